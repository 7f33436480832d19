import { useEffect, useState } from 'react'
import { isLive, type Job } from '../../../../shared/jobs'
import { api, call } from '../../api'
import { useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { useJobs } from '../../stores/jobs'
import { formatDuration } from '../../ui/format'
import { FailurePanel, UnreachableNote } from '../feed/FailurePanel'
import { TroubleNote } from '../feed/TroubleNote'
import { sentElsewhere } from '../settings/sent-elsewhere'
import { JobActions } from './JobActions'
import { JobSteps } from './JobSteps'
import { clockText } from './queue-model'

// One job in the Queue: its prompt and state, its steps (or, when it failed, why and what can be
// done), its clock and estimate, the address it went to when that is no longer the one in
// Settings (it is followed there), the download's progress, a step main retries after it failed
// here (the history locked, its disk full), and what the person can do with it.

/** Main's estimate of how long the job takes, in seconds, once it has answered. */
function useEstimate(id: string): number | null {
  const [estimate, setEstimate] = useState<number | null>(null)
  useEffect(() => {
    void call(api().tasks.get({ id }))
      .then((d) => setEstimate(d.estimateSeconds))
      .catch(() => {})
  }, [id])
  return estimate
}

export function JobCard({ job, now }: { job: Job; now: number }): React.JSX.Element {
  const t = useT()
  const progress = useJobs((s) => s.progress[job.id])
  const estimate = useEstimate(job.id)

  const failed =
    job.state === 'failed' || job.state === 'needs_attention' || job.state === 'expired'
  const percent = progress?.total ? Math.floor((progress.received / progress.total) * 100) : null
  const clock = clockText(job, now, t)
  const address = useApp((s) => s.settings?.baseUrl)
  const elsewhere = sentElsewhere(job, address)

  return (
    <li className={failed ? 'job-card failed' : 'job-card'}>
      <div className="job-head">
        <p className="job-prompt">{job.request.prompt}</p>
        <span className={`state state-${job.state}`}>{t(`state.${job.state}`)}</span>
      </div>
      {!failed && <JobSteps state={job.state} />}
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
      {elsewhere && (
        <p className="job-meta job-address">
          {t('address.sentTo')} <span className="mono">{elsewhere}</span>
        </p>
      )}
      {job.state === 'downloading' && (
        <progress max={100} value={percent ?? undefined} aria-label={t('step.downloading')}>
          {percent ?? ''}
        </progress>
      )}
      <TroubleNote jobId={job.id} />
      <UnreachableNote job={job} />
      {failed && <FailurePanel job={job} />}
      <JobActions job={job} />
    </li>
  )
}
