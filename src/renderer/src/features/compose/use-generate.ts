import { useRef, useState } from 'react'
import type { VideoRequest } from '../../../../shared/kling'
import { api, call } from '../../api'
import { useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { useDraft } from '../../stores/draft'
import { useJobs } from '../../stores/jobs'
import { noticeFrom } from '../../ui/errors'
import type { ComposeKind } from './slots'

// One Generate: at most one on its way at a time (a second click, or Ctrl+Enter held down, while
// one is sending does nothing), each carrying the draft's external id, which is renewed only once
// the service has the request, so a Generate that did go through is never made twice.

export function useGenerate() {
  const t = useT()
  const [busy, setBusy] = useState(false)
  // A ref, not the state: two clicks in one frame both see the state before either re-render.
  const sending = useRef(false)

  const send = async (kind: ComposeKind, request: VideoRequest, takes: number) => {
    if (sending.current) return
    sending.current = true
    setBusy(true)
    const { notify } = useApp.getState()
    try {
      const jobs = await call(api().tasks.create({ kind, request, takes }))
      if (Array.isArray(jobs)) useJobs.getState().applyMany(jobs)
      useDraft.getState().sent()
      notify({
        kind: 'info',
        text: takes > 1 ? t('create.sentTakes', { n: takes }) : t('compose.sent'),
      })
    } catch (error) {
      notify(noticeFrom(error))
    } finally {
      sending.current = false
      setBusy(false)
    }
  }

  return { busy, send }
}
