import type { RescanResult } from '../../../../shared/contract'
import { useT } from '../../i18n'
import './rescan-report.css'

// What a rescan left out, under the Library's title until dismissed: each skipped sidecar by its
// file, why in the person's language, the field that failed, and main's own words for support.
// The notice says the counts and leaves by itself; this list stays to be read. However long it
// is, the list scrolls inside itself, so the library below and Dismiss above stay in the window.

export function RescanReport(props: {
  result: RescanResult
  onDismiss(): void
}): React.JSX.Element | null {
  const t = useT()
  const { skipped, skippedCount } = props.result
  if (skippedCount === 0) return null
  return (
    <section className="card attention rescan-report" aria-labelledby="rescan-report-title">
      <div className="rescan-head">
        <h2 id="rescan-report-title">{t('rescan.title')}</h2>
        <button type="button" className="ghost small" onClick={props.onDismiss}>
          {t('common.dismiss')}
        </button>
      </div>
      <p className="muted">{t('rescan.intro')}</p>
      {/* Focusable, so the keyboard can scroll a list longer than its box. */}
      <ul className="rescan-list" tabIndex={0} aria-labelledby="rescan-report-title">
        {skipped.map((s) => (
          <li key={s.file}>
            <span className="mono rescan-file">{s.file}</span>
            <span className="rescan-why">
              {t(`rescan.reason.${s.reason}`)}
              {s.field && <> ({t('rescan.field', { field: s.field })})</>}
            </span>{' '}
            <span className="detail muted">{t('rescan.detail', { message: s.message })}</span>
          </li>
        ))}
      </ul>
      {skippedCount > skipped.length && (
        <p className="rescan-more">
          {t('rescan.more', { n: skippedCount - skipped.length, shown: skipped.length })}
        </p>
      )}
    </section>
  )
}
