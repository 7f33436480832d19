import { KlingApiError } from '../../kling/errors'
import { backoffDelay } from '../../kling/http'
import type { Videos } from '../../kling/videos'
import type { Library } from '../../library/library'
import { infoOf, isAborted, type Next, type StepContext } from './step'

// Bringing a finished task's video home, the moment it succeeds (links expire). A file already in
// place (a crash between the rename and the history's write) is adopted, not fetched again. A link
// that is refused is refreshed by a query; past the result's lifetime the job is expired, not
// left looking broken.

/** Result links live 30 days (Kling deletes outputs then; a stale link answers 403). */
export const RESULT_LIFETIME_MS = 30 * 86_400_000
export const DOWNLOAD_BACKOFF = { baseMs: 2_000, maxMs: 120_000 }

export interface FetchDeps {
  videos: Pick<Videos, 'get'>
  library: Pick<Library, 'save' | 'exists' | 'adopt'>
  onProgress(jobId: string, progress: { received: number; total: number | null }): void
}

export async function fetchVideo(ctx: StepContext, deps: FetchDeps): Promise<Next> {
  const { job } = ctx
  if (job.file && (await deps.library.exists(job.file))) {
    ctx.apply({ type: 'saved', file: job.file, bytes: job.bytes ?? 0 })
    return { end: true }
  }
  const adopted = await deps.library.adopt(job)
  if (adopted) {
    ctx.apply({ type: 'saved', file: adopted.file, bytes: adopted.bytes })
    return { end: true }
  }
  try {
    const saved = await deps.library.save(job, {
      signal: ctx.signal,
      onProgress: (p) => deps.onProgress(job.id, p),
    })
    ctx.apply({ type: 'saved', file: saved.file, bytes: saved.bytes })
    return { end: true }
  } catch (error) {
    if (isAborted(error)) return { stop: true }
    const info = infoOf(error)
    ctx.memory.errors++
    const linkGone =
      error instanceof KlingApiError && error.kind === 'download' && !error.mayHaveReachedServer
    if (linkGone && ctx.now() - (job.finishedAt ?? job.updatedAt) > RESULT_LIFETIME_MS) {
      ctx.apply({ type: 'expired', error: info })
      return { end: true }
    }
    if (linkGone && job.taskId) {
      // A fresh query may carry a freshly signed link.
      await deps.videos
        .get(job.kind, job.taskId, { signal: ctx.signal, attempts: 1 })
        .then((task) => ctx.apply({ type: 'answered', task }))
        .catch(() => {})
    }
    ctx.apply({ type: 'download-failed', error: info })
    return { after: backoffDelay(ctx.memory.errors, DOWNLOAD_BACKOFF, ctx.random) }
  }
}
