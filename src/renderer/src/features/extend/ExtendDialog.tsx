import { useRef, useState } from 'react'
import type { ExtendInput } from '../../../../shared/contract'
import type { Job } from '../../../../shared/jobs'
import { EXTENSION_SECONDS } from '../../../../shared/kling'
import { api, call } from '../../api'
import { useLanguage, useT } from '../../i18n'
import { useApp, type Notice } from '../../stores/app'
import { useJobs } from '../../stores/jobs'
import { errorLead, noticeFrom } from '../../ui/errors'
import { CapNote, useCapVerdict } from '../spend/CapNote'
import { payWithinCaps } from '../spend/gate'
import { costTexts } from '../spend/money'
import { extensionUnits } from './extend-cost'
import { ExtendFields, type ExtendValues } from './ExtendFields'
import { useModal } from '../../ui/modal'
import '../feed/feed.css'

// Extending a finished video: what the next seconds should show (all optional), sent as one
// tasks.extend. The new job names its parent, so the feed shows it as "extends …". It says what
// the extension should cost before it is sent, and one that would pass a spending cap asks first.
// Sending is guarded: a second click while the first is on its way sends nothing. The video
// extended is the one the dialog opened on, whatever its opener shows meanwhile (the player
// walking on, say).

const DEFAULT_CFG = 0.5

function inputOf(id: string, v: ExtendValues): ExtendInput {
  const input: ExtendInput = { id }
  if (v.prompt.trim()) input.prompt = v.prompt.trim()
  if (v.negative.trim()) input.negative_prompt = v.negative.trim()
  if (v.useCfg) input.cfg_scale = v.cfg
  return input
}

function ErrorBox({ error }: { error: Notice }): React.JSX.Element {
  const t = useT()
  const lead = errorLead(t, error.code)
  return (
    <div className="failure" role="alert">
      {lead && (
        <p>
          <strong>{lead}</strong>
        </p>
      )}
      <p>{error.text}</p>
      {error.requestId && (
        <p className="mono">
          {t('queue.requestId')}: {error.requestId}
        </p>
      )}
    </div>
  )
}

/**
 * Sends the extension once at a time, within the caps (asking first when it would pass one); a
 * failure is kept to show in the dialog. Not sent after all: the dialog stays as it was.
 */
function useSend(id: string, units: number | null, onSent: () => void) {
  const t = useT()
  const notify = useApp((s) => s.notify)
  const sending = useRef(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<Notice | null>(null)
  const send = (values: ExtendValues) => {
    if (sending.current) return
    sending.current = true
    setError(null)
    // Busy once it is on its way: while the person is asked, the button is not "Sending…".
    void payWithinCaps(units, 'extend', (overBudget) => {
      setBusy(true)
      return call(
        api().tasks.extend({ ...inputOf(id, values), ...(overBudget ? { overBudget } : {}) }),
      )
    })
      .then((child) => {
        if (child === null) {
          sending.current = false
          return
        }
        useJobs.getState().apply(child)
        notify({ kind: 'info', text: t('extend.sent') })
        onSent()
      })
      .catch((e: unknown) => {
        sending.current = false
        setError(noticeFrom(e))
      })
      .finally(() => setBusy(false))
  }
  return { busy, error, send }
}

/** What the extension should cost, and whether that passes a cap. */
function ExtendCost({ units }: { units: number | null }): React.JSX.Element {
  const t = useT()
  const language = useLanguage((s) => s.language)
  const budget = useApp((s) => s.settings?.budget)
  const cost = costTexts(t, units, budget, language)
  const verdict = useCapVerdict(units)
  return (
    <>
      <p id="extend-cost" className="extend-cost">
        {units === null ? (
          cost.units
        ) : (
          <>
            {t('spend.costLabel')} <strong>{cost.units}</strong>
            {cost.money && <span className="cost-money"> · {cost.money}</span>}
          </>
        )}
      </p>
      {!verdict.ok && <CapNote id="extend-cap-note" verdict={verdict} />}
    </>
  )
}

export function ExtendDialog({
  job,
  initial,
  onClose,
}: {
  /** The video to extend, as it is when the dialog opens: a later one is not looked at. */
  job: Job
  /** What to start from (an extension edited and sent again). */
  initial?: Omit<ExtendInput, 'id'>
  onClose: () => void
}): React.JSX.Element {
  const t = useT()
  const [target] = useState(job)
  const dialog = useRef<HTMLDialogElement>(null)
  const [values, setValues] = useState<ExtendValues>(() => ({
    prompt: initial?.prompt ?? '',
    negative: initial?.negative_prompt ?? '',
    useCfg: initial?.cfg_scale !== undefined,
    cfg: initial?.cfg_scale ?? DEFAULT_CFG,
  }))

  useModal(dialog)

  // Closing the dialog tells the opener through its close event, once; one never opened (no
  // showModal here) tells it directly.
  const close = () => (dialog.current?.open ? dialog.current.close() : onClose())
  const [units] = useState(() => extensionUnits(target, useJobs.getState().byId))
  const { busy, error, send } = useSend(target.id, units, close)
  const capped = !useCapVerdict(units).ok

  return (
    <dialog
      ref={dialog}
      className="extend-dialog"
      aria-labelledby="extend-title"
      onClose={(e) => e.target === e.currentTarget && onClose()}
      onCancel={(e) => {
        if (e.target !== e.currentTarget) return
        // Escape closes this dialog only (not one it sits in), through close() like Cancel.
        e.preventDefault()
        e.stopPropagation()
        close()
      }}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault()
          send(values)
        }}
      >
        <h2 id="extend-title">{t('extend.title')}</h2>
        <p className="muted extend-of">
          {t('extend.of', { prompt: target.request.prompt || t('feed.noPrompt') })}
        </p>
        <p className="banner">{t('extend.adds', { seconds: EXTENSION_SECONDS })}</p>
        <ExtendFields value={values} onChange={(patch) => setValues((v) => ({ ...v, ...patch }))} />
        <ExtendCost units={units} />
        {error && <ErrorBox error={error} />}
        <div className="dialog-actions">
          <button type="button" className="ghost" onClick={close}>
            {t('common.cancel')}
          </button>
          <button
            type="submit"
            className="primary"
            disabled={busy}
            aria-busy={busy}
            aria-describedby={capped ? 'extend-cost extend-cap-note' : 'extend-cost'}
          >
            {busy ? t('compose.generating') : t('extend.submit')}
          </button>
        </div>
      </form>
    </dialog>
  )
}
