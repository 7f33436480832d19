import type { Library } from '../library/library'
import type { JobRecord, Ledger } from './ledger'
import { RESULT_LIFETIME_MS } from './tracker'

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
  for (const job of ledger.saved()) {
    if (accept(job) && !(await library.exists(job.file))) ledger.clearFile(job.id)
  }
  const refetch: JobRecord[] = []
  for (const job of ledger.unsaved()) {
    if (!accept(job)) continue
    if (now - (job.finishedAt ?? job.updatedAt) > RESULT_LIFETIME_MS)
      ledger.setState(job.id, 'expired')
    else if (job.state !== 'downloading') refetch.push(job)
  }
  return refetch
}
