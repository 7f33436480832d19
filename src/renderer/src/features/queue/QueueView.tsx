import { api, call } from '../../api'
import { useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { useJobs } from '../../stores/jobs'
import { noticeFrom } from '../../ui/errors'
import { PlayerDialog } from '../library/PlayerDialog'
import { useNow } from '../feed/use-now'
import { JobCard } from './JobCard'
import { splitJobs } from './queue-model'
import '../feed/feed.css'

// Every task on its way, with its steps and clock, and the recently ended ones: a finished video
// stays an hour with Play, a failed one is explained by category with what can be done
// (FailurePanel, shared with the feed), and one still waiting can be cancelled.

export function QueueView(): React.JSX.Element {
  const t = useT()
  const now = useNow()
  const byId = useJobs((s) => s.byId)
  const settings = useApp((s) => s.settings)
  const queue = useApp((s) => s.queue)
  const notify = useApp((s) => s.notify)
  const selected = useApp((s) => s.selected)
  const { live, recent } = splitJobs(Object.values(byId), now)
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
