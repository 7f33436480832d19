import { KlingApiError } from '../../kling/errors'
import { NO_VIDEO_CODE } from '../../kling/parse'
import type { Videos } from '../../kling/videos'
import { infoOf, isAborted, type Next, type StepContext } from './step'

// Asking about a task the service holds. Free and repeatable; the poll policy spaces the asking
// (the engine computes the delay). A task the service keeps saying it does not know, or a
// "succeed" that keeps coming without a video, ends as failed after a few answers in a row.

/** Answers in a row before "no such task" or "succeed without a video" is believed. */
export const BELIEVE_AFTER = 3

export interface PollDeps {
  videos: Pick<Videos, 'get'>
}

export async function poll(ctx: StepContext, deps: PollDeps): Promise<Next> {
  const { job, memory } = ctx
  if (!job.taskId) {
    // Nothing to ask about yet: the create is reconciled first.
    ctx.apply({ type: 'no-task' })
    return { after: 0 }
  }
  try {
    const task = await deps.videos.get(job.kind, job.taskId, { signal: ctx.signal, attempts: 1 })
    memory.queries++
    memory.errors = 0
    memory.notFound = 0
    memory.noVideo = 0
    memory.retryAfterMs = undefined
    const now = ctx.apply({ type: 'answered', task })
    if (now.state === 'failed') return { end: true }
    if (now.state === 'downloading') return { after: 0 }
    return { poll: true }
  } catch (error) {
    if (isAborted(error)) return { stop: true }
    const info = infoOf(error)
    memory.queries++
    memory.errors++
    memory.retryAfterMs =
      error instanceof KlingApiError ? (error.retryAfterMs ?? undefined) : undefined
    if (info.kind === 'not_found' && ++memory.notFound >= BELIEVE_AFTER) {
      ctx.apply({
        type: 'failed',
        error: info,
        message: `The service no longer knows task ${job.taskId}`,
      })
      return { end: true }
    }
    if (info.code === NO_VIDEO_CODE && ++memory.noVideo >= BELIEVE_AFTER) {
      // A succeed without a video is an error, not a success.
      ctx.apply({ type: 'failed', error: info })
      return { end: true }
    }
    ctx.apply({ type: 'query-failed', error: info })
    return { poll: true }
  }
}
