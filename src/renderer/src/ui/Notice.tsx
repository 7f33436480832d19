import { useEffect, useState } from 'react'
import { useT } from '../i18n'
import { errorLead } from './errors'
import { useApp } from '../stores/app'

/** An info notice leaves by itself after this long; an error stays until dismissed. */
export const INFO_NOTICE_MS = 6_000

/** One live region for what just happened: read out by screen readers, dismissible. */
export function NoticeBar(): React.JSX.Element | null {
  const notice = useApp((s) => s.notice)
  const notify = useApp((s) => s.notify)
  const t = useT()
  const lead = errorLead(t, notice?.code)
  // Pointer over it or focus in it: the person is reading it, so it waits.
  const [held, setHeld] = useState(false)

  useEffect(() => {
    if (!notice || notice.kind !== 'info' || held) return
    const timer = setTimeout(() => {
      // Only the notice this timer was set for: a newer one gets its own full time.
      if (useApp.getState().notice === notice) notify(null)
    }, INFO_NOTICE_MS)
    return () => clearTimeout(timer)
  }, [notice, held, notify])

  return (
    <div className="notice-region" role="status" aria-live="polite">
      {notice && (
        <div
          className={`notice notice-${notice.kind}`}
          onMouseEnter={() => setHeld(true)}
          onMouseLeave={() => setHeld(false)}
          onFocus={() => setHeld(true)}
          onBlur={() => setHeld(false)}
        >
          <span>
            {lead ? (
              <>
                <strong>{lead}</strong> <span className="detail">{notice.text}</span>
              </>
            ) : (
              notice.text
            )}
            {notice.requestId && (
              <span className="mono"> ({t('error.requestId', { id: notice.requestId })})</span>
            )}
          </span>
          <button
            type="button"
            className="ghost"
            onClick={() => {
              setHeld(false)
              notify(null)
            }}
          >
            {t('common.dismiss')}
          </button>
        </div>
      )}
    </div>
  )
}
