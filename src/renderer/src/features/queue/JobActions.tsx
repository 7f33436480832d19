import type { Job } from '../../../../shared/jobs'
import { api, call } from '../../api'
import { useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { useJobs } from '../../stores/jobs'
import { useGuard } from '../feed/guard'

// What a Queue card offers by its state: Play for a saved video, Cancel for one still waiting its
// turn, Check now for one the service is making. Each button works once at a time.

export function JobActions({ job }: { job: Job }): React.JSX.Element | null {
  const t = useT()
  const guard = useGuard()
  if (job.state === 'done' && job.saved)
    return (
      <div className="job-actions">
        <button type="button" onClick={() => useApp.getState().set({ selected: job.id })}>
          {t('feed.play')}
        </button>
      </div>
    )
  if (job.state === 'queued')
    return (
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
    )
  if (job.state === 'submitted' || job.state === 'processing')
    return (
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
    )
  return null
}
