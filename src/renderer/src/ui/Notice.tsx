import { useEffect, useState } from 'react'
import { createPortal } from 'react-dom'
import { useT } from '../i18n'
import { explain } from './errors'
import { useTopModal } from './modal'
import { useApp } from '../stores/app'

// What just happened, said once: the notice bar (a live region), and the lines of a failure that
// the bar and the screens' own inline results share, so every failure reads the same way. While a
// modal dialog is open the bar is inside the topmost one: outside, it would be inert under the
// dialog's backdrop (modal.ts).

/** An info notice leaves by itself after this long; an error stays until dismissed. */
export const INFO_NOTICE_MS = 6_000

/**
 * A failure in the person's language: the sentence for its code, main's own words as the detail,
 * then the request id. `lead` replaces the code's sentence where the screen knows better.
 */
export function ErrorLines(props: {
  code?: string
  message: string
  requestId?: string | null
  lead?: string
}): React.JSX.Element {
  const t = useT()
  const said = props.code ? explain(t, props.code, props.message) : null
  const lead = props.lead ?? said?.lead ?? null
  const detail = props.lead ? props.message || null : said ? said.detail : props.message
  return (
    <>
      {lead && <strong className="lead-line">{lead}</strong>}
      {lead && detail && ' '}
      {detail && <span className="detail">{detail}</span>}
      {props.requestId && (
        <>
          {' '}
          <span className="mono request-id">({t('error.requestId', { id: props.requestId })})</span>
        </>
      )}
    </>
  )
}

/** One live region for what just happened: read out by screen readers, dismissible. */
export function NoticeBar(): React.JSX.Element | null {
  const host = useTopModal()
  // Moved (a dialog opened or closed): the region comes empty first and is filled a moment later,
  // so screen readers hear the notice (a live region that arrives already filled is not read).
  const [filledIn, setFilledIn] = useState(host)
  useEffect(() => {
    const soon = setTimeout(() => setFilledIn(host))
    return () => clearTimeout(soon)
  }, [host])
  const notice = useApp((s) => (filledIn === host ? s.notice : null))
  const notify = useApp((s) => s.notify)
  const t = useT()
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

  const region = (
    <div className="notice-region" role="status" aria-live="polite">
      {notice && (
        <div
          className={`notice notice-${notice.kind}`}
          onMouseEnter={() => setHeld(true)}
          onMouseLeave={() => setHeld(false)}
          onFocus={() => setHeld(true)}
          onBlur={() => setHeld(false)}
        >
          <p className="notice-text">
            <ErrorLines code={notice.code} message={notice.text} requestId={notice.requestId} />
          </p>
          <button
            type="button"
            className="ghost small"
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
  return host ? createPortal(region, host) : region
}
