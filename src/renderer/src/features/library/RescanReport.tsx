import type { RescanResult } from '../../../../shared/contract'
import { useT } from '../../i18n'

// What a rescan left out, under the Library's title until dismissed: each skipped sidecar by its
// file, why in the person's language, the field that failed, and main's own words for support.
// The notice says the counts and leaves by itself; this list stays to be read.

export function RescanReport(props: {
  result: RescanResult
  onDismiss(): void
}): React.JSX.Element | null {
  const t = useT()
  const { skipped, skippedCount } = props.result
  if (skippedCount === 0) return null
  return (
    <section className="card attention rescan-report" aria-labelledby="rescan-report-title">
      <h2 id="rescan-report-title">{t('rescan.title')}</h2>
      <p className="muted">{t('rescan.intro')}</p>
      <ul>
        {skipped.map((s) => (
          <li key={s.file}>
            <span className="mono">{s.file}</span>: {t(`rescan.reason.${s.reason}`)}
            {s.field && <> ({t('rescan.field', { field: s.field })})</>}{' '}
            <span className="detail muted">{s.message}</span>
          </li>
        ))}
      </ul>
      {skippedCount > skipped.length && (
        <p>{t('rescan.more', { n: skippedCount - skipped.length, shown: skipped.length })}</p>
      )}
      <button type="button" className="ghost small" onClick={props.onDismiss}>
        {t('common.dismiss')}
      </button>
    </section>
  )
}
