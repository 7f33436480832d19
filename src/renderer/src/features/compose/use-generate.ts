import { useRef, useState } from 'react'
import type { VideoRequest } from '../../../../shared/kling'
import { api, ApiError, call } from '../../api'
import { useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { useDraft } from '../../stores/draft'
import { useJobs } from '../../stores/jobs'
import { noticeFrom } from '../../ui/errors'
import { payWithinCaps } from '../spend/gate'
import { isAlreadyUsed, isAppMadeId } from './external-id'
import type { ComposeKind } from './slots'

// One Generate: at most one on its way at a time (a second click, or Ctrl+Enter held down, while
// one is sending does nothing), each carrying the draft's external id. That id is kept (across a
// reload too) until the service has the request; main refusing an id the app made as already used
// means an earlier Generate went out unconfirmed: said so, and only then is the id renewed, so a
// paid Generate is never made twice without the person pressing Generate again. An id the person
// typed that main refuses clashes with some older job: main's words are said, and the id stays.
// A Generate that would pass a spending cap asks first (spend/gate.ts); the answer "anyway" goes
// out within this same Generate, so nothing else can be sent meanwhile, and "no" keeps the draft.

export function useGenerate() {
  const t = useT()
  const [busy, setBusy] = useState(false)
  // A ref, not the state: two clicks in one frame both see the state before either re-render.
  const sending = useRef(false)

  /** Sends one Generate of about `units` (null: unknown); true when the service has it. */
  const send = async (
    kind: ComposeKind,
    request: VideoRequest,
    takes: number,
    units: number | null = null,
  ) => {
    if (sending.current) return false
    sending.current = true
    const { notify } = useApp.getState()
    try {
      // Busy once it is on its way: while the person is asked, the button is not "Sending…".
      const jobs = await payWithinCaps(units, 'generate', (overBudget) => {
        setBusy(true)
        return call(
          api().tasks.create({ kind, request, takes, ...(overBudget ? { overBudget } : {}) }),
        )
      })
      // Not sent: the person chose to stay within the caps, and the draft is as it was.
      if (jobs === null) return false
      // One by one: apply also puts a new job in the library's list (applyMany fills byId only).
      if (Array.isArray(jobs)) for (const job of jobs) useJobs.getState().apply(job)
      useDraft.getState().sent()
      notify({
        kind: 'info',
        text: takes > 1 ? t('create.sentTakes', { n: takes }) : t('compose.sent'),
      })
      return true
    } catch (error) {
      if (!isAlreadyUsed(error) || !isAppMadeId(request.external_task_id)) {
        notify(noticeFrom(error))
      } else {
        useDraft.getState().sent()
        const requestId = error instanceof ApiError ? error.requestId : undefined
        notify({ kind: 'error', text: t('create.alreadySent'), requestId })
      }
      return false
    } finally {
      sending.current = false
      setBusy(false)
    }
  }

  return { busy, send }
}
