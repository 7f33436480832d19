import { useEffect } from 'react'
import { api, call } from '../../api'
import { useT, type MessageKey } from '../../i18n'
import { useApp } from '../../stores/app'
import { useJobs } from '../../stores/jobs'
import { errorLead } from '../../ui/errors'
import { unreachableOf } from '../../ui/failure'
import { formatDuration } from '../../ui/format'
import { useEstimates } from './estimates'
import { UnreachableNote } from './FailurePanel'
import { progressOf, stepOf, type Step } from './feed-model'
import { useGuard } from './guard'
import { TileHead, type TileProps } from './TileHead'
import { TroubleNote } from './TroubleNote'
import { useNow } from './use-now'

// A take on its way: the step it is at, the time so far and the time such takes usually need,
// a progress estimate from those (or the bytes of its download), and Cancel while it still waits
// here (nothing sent, nothing paid). A step main retries after it failed on this computer (the
// history locked, its disk full) says so.

const STEP_LABEL: Record<Step, MessageKey> = {
  queued: 'step.queued',
  sending: 'state.creating',
  submitted: 'step.submitted',
  processing: 'step.processing',
  downloading: 'step.downloading',
}

const MB = 1024 * 1024
const mb = (bytes: number) => (bytes / MB).toFixed(1)

export function RunningTile(props: TileProps): React.JSX.Element {
  const { job, shape } = props
  const t = useT()
  const now = useNow()
  const estimate = useEstimates((s) => s.byId[job.id] ?? null)
  const want = useEstimates((s) => s.want)
  const download = useJobs((s) => s.progress[job.id])
  const notify = useApp((s) => s.notify)
  const guard = useGuard()
  useEffect(() => want(job.id), [job.id, want])

  const step = stepOf(job) ?? 'queued'
  const progress = progressOf(job, now, estimate, download)
  const percent = progress === null ? null : Math.round(progress * 100)
  // A passing fault (busy, a failed query or download): the engine tries again by itself.
  const passing = job.error && !unreachableOf(job) ? job.error : null
  const unsent = job.state === 'queued' || job.state === 'creating'

  const cancel = () =>
    guard.run('cancel', async () => {
      await call(api().tasks.cancel({ id: job.id }))
      useJobs.getState().remove(job.id)
      notify({ kind: 'info', text: t('feed.cancelled') })
    })

  return (
    <li className={`tile tile-live tile-${step}`}>
      <div className="tile-media tile-wait" style={{ aspectRatio: shape }}>
        <span className="tile-step">{t(STEP_LABEL[step])}</span>
      </div>
      <div className="tile-body">
        <TileHead {...props} />
        <p className="tile-time">
          {t('queue.elapsed', { time: formatDuration(now - job.createdAt) })}
          {estimate !== null && (
            <> · {t('queue.estimate', { time: formatDuration(estimate * 1000) })}</>
          )}
        </p>
        <progress
          max={100}
          value={percent ?? undefined}
          aria-label={percent === null ? t(STEP_LABEL[step]) : t('feed.progress', { percent })}
        />
        {job.state === 'downloading' && download?.total ? (
          <p className="tile-time">
            {t('feed.downloaded', { received: mb(download.received), total: mb(download.total) })}
          </p>
        ) : null}
        <TroubleNote jobId={job.id} />
        <UnreachableNote job={job} />
        {passing && (
          <p className="muted tile-note">
            {errorLead(t, passing.kind) ?? passing.message}
            {passing.request_id && (
              <span className="mono"> ({t('error.requestId', { id: passing.request_id })})</span>
            )}
            {unsent && <> {t('failure.waiting')}</>}
          </p>
        )}
        {job.state === 'queued' && (
          <div className="tile-actions">
            <button type="button" disabled={guard.busy('cancel')} onClick={cancel}>
              {t('common.cancel')}
            </button>
          </div>
        )}
      </div>
    </li>
  )
}
