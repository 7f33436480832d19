import type { Job, JobState } from '../../../../shared/jobs'

// A job keeps the address its create was sent to: it is followed, looked up and sent again only
// there. These say which jobs a change of address leaves at the old one.

/** Sent (or maybe sent) and not settled yet: these are followed at the address they went to. */
export const FOLLOWED_STATES: readonly JobState[] = [
  'creating',
  'submitted',
  'processing',
  'downloading',
  'needs_attention',
]

/** The same address, whatever slashes end it. */
export function sameAddress(a: string, b: string): boolean {
  const bare = (s: string) => s.trim().replace(/\/+$/, '')
  return bare(a) === bare(b)
}

/** How many unfinished jobs were sent to `address`. */
export function followedAt(jobs: Iterable<Job>, address: string): number {
  let n = 0
  for (const j of jobs)
    if (j.baseUrl !== null && FOLLOWED_STATES.includes(j.state) && sameAddress(j.baseUrl, address))
      n++
  return n
}

/** The address a job went to, when it is not the one in Settings now (null otherwise). */
export function sentElsewhere(job: Job, current: string | null | undefined): string | null {
  // Sandbox jobs go to the built-in emulator, never to the address in Settings.
  if (job.sandbox || !job.baseUrl || !current || sameAddress(job.baseUrl, current)) return null
  return job.baseUrl
}
