import { useEffect, useState } from 'react'
import { isLive, type Job } from '../../../../shared/jobs'
import { api, call } from '../../api'
import { useT, type MessageKey, type Translate } from '../../i18n'
import { useApp } from '../../stores/app'
import { useJobs } from '../../stores/jobs'
import { noticeFrom } from '../../ui/errors'
import { formatDuration } from '../../ui/format'
import { FailurePanel, UnreachableNote } from '../feed/FailurePanel'
import { PlayerDialog } from '../library/PlayerDialog'
import { useGuard } from '../feed/guard'
import { useNow } from '../feed/use-now'
import '../feed/feed.css'

// Every task on its way, with its steps and clock, and the recently ended ones that did not end
// well, each explained by category with what can be done (FailurePanel, shared with the feed).

const STEPS: { key: MessageKey; states: Job['state'][] }[] = [
  { key: 'step.queued', states: ['queued', 'creating'] },
  { key: 'step.submitted', states: ['submitted'] },
  { key: 'step.processing', states: ['processing'] },
  { key: 'step.downloading', states: ['downloading'] },
  { key: 'step.done', states: ['done'] },
]

const RECENT_MS = 60 * 60_000

/** Under a second is no duration worth showing ("0:00"). */
const SHORTEST_SHOWN_MS = 1000

/** The clock of a card: running for a live job, stopped at its end for a failed one. */
function clockText(job: Job, now: number, t: Translate): string | null {
  const unconfirmed = job.state === 'needs_attention'
  if (isLive(job.state) || unconfirmed)
    return t('queue.elapsed', { time: formatDuration(now - job.createdAt) })
  if (job.state !== 'failed' || job.finishedAt === null) return null
  const took = job.finishedAt - job.createdAt
  return took >= SHORTEST_SHOWN_MS ? t('failure.after', { time: formatDuration(took) }) : null
}

function JobCard({ job, now }: { job: Job; now: number }): React.JSX.Element {
  const t = useT()
  const progress = useJobs((s) => s.progress[job.id])
  const guard = useGuard()
  const [estimate, setEstimate] = useState<number | null>(null)
  useEffect(() => {
    void call(api().tasks.get({ id: job.id }))
      .then((d) => setEstimate(d.estimateSeconds))
      .catch(() => {})
  }, [job.id])

  const current = STEPS.findIndex((s) => s.states.includes(job.state))
  const failed =
    job.state === 'failed' || job.state === 'needs_attention' || job.state === 'expired'
  const percent = progress?.total ? Math.floor((progress.received / progress.total) * 100) : null
  const clock = clockText(job, now, t)

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
      {(clock || job.sandbox) && (
        <p className="job-meta">
          {[
            clock,
            estimate !== null && isLive(job.state)
              ? t('queue.estimate', { time: formatDuration(estimate * 1000) })
              : null,
            job.sandbox ? t('library.sandbox') : null,
          ]
            .filter(Boolean)
            .join(' · ')}
        </p>
      )}
      {job.state === 'downloading' && (
        <progress max={100} value={percent ?? undefined} aria-label={t('step.downloading')}>
          {percent ?? ''}
        </progress>
      )}
      <UnreachableNote job={job} />
      {failed && <FailurePanel job={job} />}
      {job.state === 'done' && job.saved && (
        <div className="job-actions">
          <button type="button" onClick={() => useApp.getState().set({ selected: job.id })}>
            {t('feed.play')}
          </button>
        </div>
      )}
      {job.state === 'queued' && (
        <div className="job-actions">
          <button
            type="button"
            className="ghost"
            disabled={guard.busy('cancel')}
            onClick={() =>
              guard.run('cancel', async () => {
                await call(api().tasks.cancel({ id: job.id }))
                useJobs.getState().remove(job.id)
                useApp.getState().notify({ kind: 'info', text: t('feed.cancelled') })
              })
            }
          >
            {t('common.cancel')}
          </button>
        </div>
      )}
      {(job.state === 'submitted' || job.state === 'processing') && (
        <div className="job-actions">
          <button
            type="button"
            className="ghost"
            disabled={guard.busy('recheck')}
            onClick={() => guard.run('recheck', () => call(api().tasks.recheck({ id: job.id })))}
          >
            {t('queue.recheck')}
          </button>
        </div>
      )}
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
  const selected = useApp((s) => s.selected)
  const jobs = Object.values(byId)
  // A job waiting for the person stays in view until it is settled, however old.
  const live = jobs
    .filter((j) => isLive(j.state) || j.state === 'needs_attention')
    .sort((a, b) => a.createdAt - b.createdAt)
  const recent = jobs
    .filter(
      (j) =>
        // Finished ones stay a while (then live on under Latest videos and in the Library).
        !isLive(j.state) && j.state !== 'needs_attention' && now - j.updatedAt < RECENT_MS,
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
      {selected && (
        <PlayerDialog id={selected} onClose={() => useApp.getState().set({ selected: null })} />
      )}
    </section>
  )
}
