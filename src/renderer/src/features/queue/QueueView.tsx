import { useEffect, useState } from 'react'
import { isLive, type Job } from '../../../../shared/jobs'
import { api, call } from '../../api'
import { useT, type MessageKey } from '../../i18n'
import { useApp } from '../../stores/app'
import { useJobs } from '../../stores/jobs'
import { errorLead, noticeFrom } from '../../ui/errors'
import { formatDuration } from '../../ui/format'

const STEPS: { key: MessageKey; states: Job['state'][] }[] = [
  { key: 'step.queued', states: ['queued', 'creating'] },
  { key: 'step.submitted', states: ['submitted'] },
  { key: 'step.processing', states: ['processing'] },
  { key: 'step.downloading', states: ['downloading'] },
  { key: 'step.done', states: ['done'] },
]

const RECENT_MS = 60 * 60_000

function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs)
    return () => clearInterval(timer)
  }, [intervalMs])
  return now
}

function JobCard({ job, now }: { job: Job; now: number }): React.JSX.Element {
  const t = useT()
  const progress = useJobs((s) => s.progress[job.id])
  const notify = useApp((s) => s.notify)
  const [estimate, setEstimate] = useState<number | null>(null)
  useEffect(() => {
    void call(api().tasks.get({ id: job.id }))
      .then((d) => setEstimate(d.estimateSeconds))
      .catch(() => {})
  }, [job.id])

  const current = STEPS.findIndex((s) => s.states.includes(job.state))
  const failed =
    job.state === 'failed' || job.state === 'needs_attention' || job.state === 'expired'
  const act = (fn: () => Promise<unknown>) => () =>
    void fn().catch((e: unknown) => notify(noticeFrom(e)))
  const requestId = job.error?.request_id ?? job.requestId
  const lead = errorLead(t, job.error?.kind)
  // A create the service did not confirm: it may exist and be paid for, so it is never re-created
  // under a new id; "Send again" reuses its id, which the service will not run twice.
  const unconfirmed = job.state === 'needs_attention' && job.taskId === null
  const percent = progress?.total ? Math.floor((progress.received / progress.total) * 100) : null

  return (
    <li className={failed ? 'job-card failed' : 'job-card'}>
      <div className="job-head">
        <p className="job-prompt">{job.request.prompt}</p>
        <span className={`state state-${job.state}`}>{t(`state.${job.state}`)}</span>
      </div>
      {!failed && (
        <ol className="steps" aria-label={t(`state.${job.state}`)}>
          {STEPS.map((s, i) => (
            <li
              key={s.key}
              className={i < current ? 'step past' : i === current ? 'step current' : 'step'}
              aria-current={i === current ? 'step' : undefined}
            >
              {t(s.key)}
            </li>
          ))}
        </ol>
      )}
      <p className="job-meta">
        {t('queue.elapsed', {
          // An ended job's clock stopped when it ended.
          time: formatDuration(
            (isLive(job.state) || unconfirmed ? now : (job.finishedAt ?? job.updatedAt)) -
              job.createdAt,
          ),
        })}
        {estimate !== null && isLive(job.state) && (
          <> · {t('queue.estimate', { time: formatDuration(estimate * 1000) })}</>
        )}
        {job.sandbox && <> · {t('library.sandbox')}</>}
      </p>
      {job.state === 'downloading' && (
        <progress max={100} value={percent ?? undefined} aria-label={t('step.downloading')}>
          {percent ?? ''}
        </progress>
      )}
      {failed && (
        <div className="job-error">
          {lead && (
            <p>
              <strong>{lead}</strong>
            </p>
          )}
          <p>{job.statusMessage || job.error?.message}</p>
          {unconfirmed && <p>{t('queue.unconfirmedHelp')}</p>}
          {requestId && (
            <p className="mono">
              {t('queue.requestId')}: {requestId}
            </p>
          )}
        </div>
      )}
      <div className="job-actions">
        {unconfirmed && (
          <button type="button" onClick={act(() => call(api().tasks.resend({ id: job.id })))}>
            {t('queue.resend')}
          </button>
        )}
        {job.state === 'failed' && (
          <>
            <button
              type="button"
              onClick={act(() => call(api().tasks.rerun({ id: job.id, changes: {} })))}
            >
              {t('queue.retry')}
            </button>
            <button
              type="button"
              onClick={() => useApp.getState().set({ draft: job.request, view: 'compose' })}
            >
              {t('queue.edit')}
            </button>
          </>
        )}
        {(job.state === 'submitted' ||
          job.state === 'processing' ||
          job.state === 'needs_attention') && (
          <button
            type="button"
            className="ghost"
            onClick={act(() => call(api().tasks.recheck({ id: job.id })))}
          >
            {t('queue.recheck')}
          </button>
        )}
        {job.state === 'expired' && job.taskStatus === 'succeed' && (
          <button
            type="button"
            onClick={act(() => call(api().tasks.retryDownload({ id: job.id })))}
          >
            {t('queue.retryDownload')}
          </button>
        )}
      </div>
    </li>
  )
}

export function QueueView(): React.JSX.Element {
  const t = useT()
  const now = useNow()
  const byId = useJobs((s) => s.byId)
  const settings = useApp((s) => s.settings)
  const queue = useApp((s) => s.queue)
  const notify = useApp((s) => s.notify)
  const jobs = Object.values(byId)
  // A job waiting for the person stays in view until it is settled, however old.
  const live = jobs
    .filter((j) => isLive(j.state) || j.state === 'needs_attention')
    .sort((a, b) => a.createdAt - b.createdAt)
  const recent = jobs
    .filter(
      (j) =>
        !isLive(j.state) &&
        j.state !== 'done' &&
        j.state !== 'needs_attention' &&
        now - j.updatedAt < RECENT_MS,
    )
    .sort((a, b) => b.updatedAt - a.updatedAt)
  const running = live.filter(
    (j) => j.state === 'creating' || j.state === 'submitted' || j.state === 'processing',
  ).length
  const queued = live.filter((j) => j.state === 'queued').length
  const paused = queue?.paused ?? false

  const toggle = async () => {
    try {
      const stats = await call(paused ? api().queue.resume() : api().queue.pause())
      useApp.getState().set({ queue: stats })
    } catch (e) {
      notify(noticeFrom(e))
    }
  }

  return (
    <section className="queue" aria-labelledby="queue-title">
      <div className="view-head">
        <h1 id="queue-title" tabIndex={-1}>
          {t('queue.title')}
        </h1>
        <p className="muted">
          {t('queue.slots', { running, max: settings?.concurrency ?? 3, queued })}
        </p>
        <button type="button" onClick={() => void toggle()}>
          {paused ? t('queue.resume') : t('queue.pause')}
        </button>
      </div>
      {paused && <p className="banner">{t('queue.paused')}</p>}
      {live.length === 0 && recent.length === 0 && <p className="empty">{t('queue.empty')}</p>}
      <ul className="job-list">
        {live.map((job) => (
          <JobCard key={job.id} job={job} now={now} />
        ))}
      </ul>
      {recent.length > 0 && (
        <>
          <h2>{t('queue.recent')}</h2>
          <ul className="job-list">
            {recent.map((job) => (
              <JobCard key={job.id} job={job} now={now} />
            ))}
          </ul>
        </>
      )}
    </section>
  )
}
