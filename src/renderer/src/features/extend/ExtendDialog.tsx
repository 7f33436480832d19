import { useEffect, useRef, useState } from 'react'
import type { ExtendInput } from '../../../../shared/contract'
import type { Job } from '../../../../shared/jobs'
import { EXTENSION_SECONDS } from '../../../../shared/kling'
import { api, call } from '../../api'
import { useT } from '../../i18n'
import { useApp, type Notice } from '../../stores/app'
import { useJobs } from '../../stores/jobs'
import { errorLead, noticeFrom } from '../../ui/errors'
import { ExtendFields, type ExtendValues } from './ExtendFields'
import '../feed/feed.css'

// Extending a finished video: what the next seconds should show (all optional), sent as one
// tasks.extend. The new job names its parent, so the feed shows it as "extends …". Sending is
// guarded: a second click while the first is on its way sends nothing.

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

export function ExtendDialog({
  job,
  initial,
  onClose,
}: {
  job: Job
  /** What to start from (an extension edited and sent again). */
  initial?: Omit<ExtendInput, 'id'>
  onClose: () => void
}): React.JSX.Element {
  const t = useT()
  const notify = useApp((s) => s.notify)
  const dialog = useRef<HTMLDialogElement>(null)
  const sending = useRef(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<Notice | null>(null)
  const [values, setValues] = useState<ExtendValues>(() => ({
    prompt: initial?.prompt ?? '',
    negative: initial?.negative_prompt ?? '',
    useCfg: initial?.cfg_scale !== undefined,
    cfg: initial?.cfg_scale ?? DEFAULT_CFG,
  }))

  useEffect(() => {
    const d = dialog.current
    if (d && !d.open && typeof d.showModal === 'function') d.showModal()
  }, [])

  const close = () => {
    if (dialog.current?.open) dialog.current.close()
    onClose()
  }

  const submit = (event: React.FormEvent) => {
    event.preventDefault()
    if (sending.current) return
    sending.current = true
    setBusy(true)
    setError(null)
    void call(api().tasks.extend(inputOf(job.id, values)))
      .then((child) => {
        useJobs.getState().apply(child)
        notify({ kind: 'info', text: t('extend.sent') })
        close()
      })
      .catch((e: unknown) => {
        sending.current = false
        setError(noticeFrom(e))
      })
      .finally(() => setBusy(false))
  }

  return (
    <dialog
      ref={dialog}
      className="extend-dialog"
      aria-labelledby="extend-title"
      onClose={onClose}
      onCancel={onClose}
    >
      <form onSubmit={submit}>
        <h2 id="extend-title">{t('extend.title')}</h2>
        <p className="muted extend-of">
          {t('extend.of', { prompt: job.request.prompt || t('feed.noPrompt') })}
        </p>
        <p className="banner">{t('extend.adds', { seconds: EXTENSION_SECONDS })}</p>
        <ExtendFields value={values} onChange={(patch) => setValues((v) => ({ ...v, ...patch }))} />
        {error && <ErrorBox error={error} />}
        <div className="dialog-actions">
          <button type="button" className="ghost" onClick={close}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary" disabled={busy} aria-busy={busy}>
            {busy ? t('compose.generating') : t('extend.submit')}
          </button>
        </div>
      </form>
    </dialog>
  )
}
