import { isLive, type Job } from '../../../../shared/jobs'
import type { MessageKey, Translate } from '../../i18n'
import { formatDuration } from '../../ui/format'

// What the Queue shows, worked out from the jobs alone: the steps a task goes through, which jobs
// are on their way and which ended recently, and the clock of a card.

export const STEPS: { key: MessageKey; states: Job['state'][] }[] = [
  { key: 'step.queued', states: ['queued', 'creating'] },
  { key: 'step.submitted', states: ['submitted'] },
  { key: 'step.processing', states: ['processing'] },
  { key: 'step.downloading', states: ['downloading'] },
  { key: 'step.done', states: ['done'] },
]

/** How long an ended job stays in the Queue. */
const RECENT_MS = 60 * 60_000

/** Under a second is no duration worth showing ("0:00"). */
const SHORTEST_SHOWN_MS = 1000

/** Jobs on their way (oldest first), and the recently ended ones (newest first). */
export function splitJobs(jobs: Job[], now: number): { live: Job[]; recent: Job[] } {
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
  return { live, recent }
}

/** The clock of a card: running for a live job, stopped at its end for a failed one. */
export function clockText(job: Job, now: number, t: Translate): string | null {
  const unconfirmed = job.state === 'needs_attention'
  if (isLive(job.state) || unconfirmed)
    return t('queue.elapsed', { time: formatDuration(now - job.createdAt) })
  if (job.state !== 'failed' || job.finishedAt === null) return null
  const took = job.finishedAt - job.createdAt
  return took >= SHORTEST_SHOWN_MS ? t('failure.after', { time: formatDuration(took) }) : null
}
