import type { MediaFacts } from '../../../../shared/contract'
import { isLive, type Job } from '../../../../shared/jobs'
import type { AnyRequest } from '../../../../shared/kling'

// What the feed shows, as pure functions of the jobs the page holds: the newest jobs, their
// groups (the takes of one Generate), each take's step, shape and progress. No React here, so
// the rules are tested directly.

/** How many of the newest jobs the feed shows; the Library holds the rest. */
export const FEED_SIZE = 60
/** A progress estimate never claims more than this until the video is there. */
export const PROGRESS_CAP = 0.95

export interface FeedGroup {
  /** The group id, or the job id of a single take. */
  key: string
  /** The takes in the order they were made. */
  jobs: Job[]
}

/** The newest jobs by creation time (ties: by id, so the order is stable). */
export function newestJobs(byId: Record<string, Job>, size = FEED_SIZE): Job[] {
  return Object.values(byId)
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
    .slice(0, size)
}

/** Jobs (newest first) into groups, newest group first; a null groupId is a group of one. */
export function groupJobs(newestFirst: Job[]): FeedGroup[] {
  const groups: FeedGroup[] = []
  const byKey = new Map<string, FeedGroup>()
  for (const job of newestFirst) {
    const key = job.groupId ?? job.id
    let group = byKey.get(key)
    if (!group) {
      group = { key, jobs: [] }
      byKey.set(key, group)
      groups.push(group)
    }
    group.jobs.unshift(job)
  }
  return groups
}

/** How many extensions of each job the page knows of. */
export function childrenCount(byId: Record<string, Job>): Record<string, number> {
  const count: Record<string, number> = {}
  for (const job of Object.values(byId))
    if (job.parentJobId) count[job.parentJobId] = (count[job.parentJobId] ?? 0) + 1
  return count
}

export type Step = 'queued' | 'sending' | 'submitted' | 'processing' | 'downloading'

/** Where a live job stands, in the words of the feed (null: it is not live). */
export function stepOf(job: Job): Step | null {
  if (!isLive(job.state)) return null
  return job.state === 'creating' ? 'sending' : (job.state as Step)
}

/** Whether a take can be played, compared and used: its video is on this computer. */
export const isPlayable = (job: Job): boolean => job.state === 'done' && job.saved

/**
 * How far along a take is, from 0 to 1 (null: no way to tell). Processing is the time since the
 * service took it over the duration learnt from earlier tasks like it, capped below 1 until the
 * video is there; a download is its bytes.
 */
export function progressOf(
  job: Job,
  now: number,
  estimateSeconds: number | null,
  download?: { received: number; total: number | null },
): number | null {
  if (job.state === 'done') return 1
  if (job.state === 'queued' || job.state === 'creating') return 0
  if (job.state === 'downloading') {
    if (!download?.total) return null
    return Math.min(1, download.received / download.total)
  }
  if (job.state !== 'submitted' && job.state !== 'processing') return null
  if (!estimateSeconds || estimateSeconds <= 0) return null
  const since = Math.max(0, now - (job.submittedAt ?? job.createdAt))
  return Math.min(PROGRESS_CAP, since / (estimateSeconds * 1000))
}

/** The clip's shape as CSS aspect-ratio: the file's own, else what the request asked for. */
export function shapeOf(job: Job, facts?: MediaFacts): string {
  if (facts?.width && facts.height) return `${facts.width} / ${facts.height}`
  const ratio = (job.request as AnyRequest).aspect_ratio
  return (ratio ?? '16:9').replace(':', ' / ')
}

/** Whether the shape must come from the file: the request does not name it. */
export function needsFacts(job: Job): boolean {
  return job.saved && (job.request as AnyRequest).aspect_ratio === undefined
}
