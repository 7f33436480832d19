import type { Library } from '../library/library'
import type { JobChunk, JobRecord, Ledger } from './ledger'
import { RESULT_LIFETIME_MS } from './tracker'

/**
 * Every job of a paged walk, a chunk at a time, letting the event loop breathe between chunks:
 * a history of a million jobs must not hold the window still at launch.
 */
export async function* walk(page: (after: number | null) => JobChunk): AsyncGenerator<JobRecord> {
  let after: number | null = null
  for (;;) {
    const chunk = page(after)
    yield* chunk.jobs
    if (chunk.next === null) return
    after = chunk.next
    await new Promise((r) => setImmediate(r))
  }
}

/**
 * At launch (app or `resume`): finished jobs whose video is not on disk are fetched again while
 * their link can still live, and marked expired past that, not left looking broken. Returns the
 * jobs to fetch again.
 */
export async function triageUnsaved(
  ledger: Ledger,
  library: Pick<Library, 'exists'>,
  now: number,
  accept: (job: JobRecord) => boolean = () => true,
): Promise<JobRecord[]> {
  for await (const job of walk((after) => ledger.savedPage(after))) {
    if (accept(job) && !(await library.exists(job.file))) ledger.clearFile(job.id)
  }
  const refetch: JobRecord[] = []
  for await (const job of walk((after) => ledger.unsavedPage(after))) {
    if (!accept(job)) continue
    if (now - (job.finishedAt ?? job.updatedAt) > RESULT_LIFETIME_MS)
      ledger.setState(job.id, 'expired')
    else if (job.state !== 'downloading') refetch.push(job)
  }
  return refetch
}
