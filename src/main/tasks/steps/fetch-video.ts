import { isBadFile, isLinkGone, needsPerson } from '../../kling/download-errors'
import { KlingApiError } from '../../kling/errors'
import { backoffDelay } from '../../kling/http'
import type { Videos } from '../../kling/videos'
import type { Library } from '../../library/library'
import { infoOf, isAborted, type JobMemory, type Next, type StepContext } from './step'

// Bringing a finished task's video home, the moment it succeeds (links expire). A file already in
// place (a crash between the rename and the history's write) is adopted, not fetched again. A link
// that is refused is refreshed by a query; past the result's lifetime the job is expired, not
// left looking broken. A failure on this computer (a full disk, a read-only folder) fails the job
// at once with what to do: trying again cannot help until the person acts (Download again, or the
// next launch). Anything else is tried again with backoff, and given up with its reason once it
// has failed GIVE_UP.attempts times over at least GIVE_UP.afterMs; Download again stays free.

/** Result links live 30 days (Kling deletes outputs then; a stale link answers 403). */
export const RESULT_LIFETIME_MS = 30 * 86_400_000
export const DOWNLOAD_BACKOFF = { baseMs: 2_000, maxMs: 120_000 }
/** A wrong file (not an MP4, cut short, too large) is asked for again less often. */
export const BAD_FILE_BACKOFF = { baseMs: 60_000, maxMs: 20 * 60_000 }
/** Failed tries in a row, and the least time they must span, before the job is failed. */
export const GIVE_UP = { attempts: 10, afterMs: 3 * 3_600_000 }

export interface FetchDeps {
  videos: Pick<Videos, 'get'>
  library: Pick<Library, 'save' | 'exists' | 'adopt'>
  onProgress(jobId: string, progress: { received: number; total: number | null }): void
}

/** When this session's run of failed tries of a job began (the engine's memory is per session). */
const failingSince = new WeakMap<JobMemory, number>()

/** A run of tries ends (saved, or failed): Download again starts a new one (memory outlives a job). */
function endRun(memory: JobMemory): void {
  failingSince.delete(memory)
  memory.errors = 0
}

const spanText = (ms: number) =>
  ms >= 3_600_000 ? `${+(ms / 3_600_000).toFixed(1)} hours` : `${Math.round(ms / 60_000)} minutes`

/** A refused link (gone, or another 4xx of the file server): a fresh query may carry a new one. */
const staleLink = (error: unknown) =>
  isLinkGone(error) ||
  (error instanceof KlingApiError &&
    error.code === 'http' &&
    error.status !== null &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 429)

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
    endRun(ctx.memory)
    ctx.apply({ type: 'saved', file: saved.file, bytes: saved.bytes })
    return { end: true }
  } catch (error) {
    if (isAborted(error)) return { stop: true }
    return failed(ctx, deps, error)
  }
}

async function failed(ctx: StepContext, deps: FetchDeps, error: unknown): Promise<Next> {
  const { job, memory } = ctx
  const info = infoOf(error)
  memory.errors++
  const since = failingSince.get(memory) ?? ctx.now()
  failingSince.set(memory, since)
  if (needsPerson(error)) {
    endRun(memory)
    ctx.apply({ type: 'failed', error: info })
    return { end: true }
  }
  const stale = staleLink(error)
  if (stale && ctx.now() - (job.finishedAt ?? job.updatedAt) > RESULT_LIFETIME_MS) {
    endRun(memory)
    ctx.apply({ type: 'expired', error: info })
    return { end: true }
  }
  if (stale && job.taskId) {
    // A fresh query may carry a freshly signed link.
    await deps.videos
      .get(job.kind, job.taskId, { signal: ctx.signal, attempts: 1 })
      .then((task) => ctx.apply({ type: 'answered', task }))
      .catch(() => {})
  }
  const span = ctx.now() - since
  if (memory.errors >= GIVE_UP.attempts && span >= GIVE_UP.afterMs) {
    const message =
      `The video could not be saved after ${memory.errors} tries over ${spanText(span)}: ` +
      `${info.message}. Choose Download again to try once more (it is free)`
    endRun(memory)
    ctx.apply({ type: 'failed', error: { ...info, message } })
    return { end: true }
  }
  ctx.apply({ type: 'download-failed', error: info })
  const backoff = isBadFile(error) ? BAD_FILE_BACKOFF : DOWNLOAD_BACKOFF
  return { after: backoffDelay(memory.errors, backoff, ctx.random) }
}
