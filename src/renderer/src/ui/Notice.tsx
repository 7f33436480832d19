import { useT } from '../i18n'
import { useApp } from '../stores/app'

/** One live region for what just happened: read out by screen readers, dismissible. */
export function NoticeBar(): React.JSX.Element | null {
  const notice = useApp((s) => s.notice)
  const notify = useApp((s) => s.notify)
  const t = useT()
  return (
    <div className="notice-region" role="status" aria-live="polite">
      {notice && (
        <div className={`notice notice-${notice.kind}`}>
          <span>
            {notice.text}
            {notice.requestId && (
              <span className="mono"> ({t('error.requestId', { id: notice.requestId })})</span>
            )}
          </span>
          <button type="button" className="ghost" onClick={() => notify(null)}>
            {t('common.dismiss')}
          </button>
        </div>
      )}
    </div>
  )
}
