import type { KlingTask } from '../../../shared/kling'
import { isRetryable, KlingApiError } from '../../kling/errors'
import { backoffDelay, type BackoffOptions } from '../../kling/http'
import { LOOKUP_UNSUPPORTED, type Videos } from '../../kling/videos'
import type { JobRecord } from '../ledger'
import { infoOf, isAborted, type Next, type StepContext } from './step'

// Sending a create: the one place that decides whether a create may go out (again). A create is
// paid; a lookup is free. Every rule of "never pay twice" is here, and test/unit/submit.test.ts
// pins each one down:
//
// 1. A job is written down (state `creating`) before its create is sent, with an external id
//    made once for it and carried by every attempt.
// 2. A create that may have reached the server before (a crash, a lost answer: state `creating`
//    or `needs_attention`) is looked up by its external id before anything is sent.
// 3. Sent again without a lookup only when it cannot have created anything: a connection that
//    never opened, or a definite refusal (429/1302 "too many requests", 1303 "too many parallel
//    tasks"): the job is `queued` again and waits with backoff, keeping its slot (while the queue
//    is paused it gives the slot up and goes back in line).
// 4. Final at once: any other refusal (3xx, 4xx, or a business code that says so whatever the
//    status: a 500 invalid_request, a 200 carrying 1102), a missing key, a locally refused request.
// 5. Anything that may hide a created task (a timeout, a reset after sending, a 5xx, an unreadable
//    answer) is looked up at once. Found: that is the task. The service answering in JSON that it
//    holds no such task: sent again with the same id (whose uniqueness the service enforces), at
//    most CREATE_POSTS times this session. A web page, a redirect or a failed lookup is no proof of
//    absence: nothing is sent, and the job waits as `needs_attention`.
// 6. `needs_attention` is looked up ever more slowly (lookups are free); it is sent again unasked
//    at most AUTO_RESENDS times a session, each time only after a "no such task", and after that
//    only when the person chooses Send again.
// 7. A gateway that cannot look a task up by its external id (a relay that files tasks only under
//    the ids it issued) never gets a resend unasked; Send again, the person's own call, sends once.

export const CREATE_POSTS = 5
export const AUTO_RESENDS = 3
/** How an unconfirmed create is looked up: soon at first, then every 10 minutes at most. */
export const ATTENTION_LOOKUPS: BackoffOptions = { baseMs: 10_000, maxMs: 600_000 }
export const REQUEUE_BACKOFF: BackoffOptions = { baseMs: 2_000, maxMs: 60_000 }
/** How soon an unconfirmed create that may be sent again asks again for a free slot. */
export const SLOT_WAIT_MS = 5_000

export interface SubmitDeps {
  videos: Pick<Videos, 'create' | 'find'>
  /** The body as sent: the stored request with its images inline, and the external id. */
  wire(job: JobRecord): Promise<Record<string, unknown>>
  requeueBackoff?: BackoffOptions
}

type Found = { task: KlingTask } | { absent: true } | { error: unknown }

async function lookUp(ctx: StepContext, deps: SubmitDeps): Promise<Found> {
  try {
    const task = await deps.videos.find(ctx.job.kind, ctx.job.externalTaskId, {
      signal: ctx.signal,
    })
    return task ? { task } : { absent: true }
  } catch (error) {
    return { error }
  }
}

const isDuplicateExternalId = (e: KlingApiError): boolean =>
  e.kind === 'invalid_request' && /external_task_id|duplicate|already exist/i.test(e.message)

/** A refusal that cannot have created a task, worth another try later (rule 3). */
function isDefiniteNo(e: KlingApiError): boolean {
  if (e.kind === 'too_many_tasks') return true
  if (e.kind === 'rate_limited') return isRetryable(e)
  return !e.mayHaveReachedServer && isRetryable(e)
}

/** The server refusing outright (rule 4): nothing was created and asking again will not help. */
function isFinalNo(e: KlingApiError): boolean {
  if (!e.mayHaveReachedServer) return true
  return (
    (e.status !== null && e.status >= 300 && e.status < 500) || (e.code !== null && !isRetryable(e))
  )
}

/** Why the lookup failed, without repeating "Looking up external id … failed" after "Looking it up failed too". */
function lookupReason(error: KlingApiError, id: string): string {
  const said = error.describe()
  const prefix = `Looking up external id ${id} `
  if (!said.startsWith(prefix)) return said
  const rest = said.slice(prefix.length)
  return rest.startsWith('failed: ') ? rest.slice('failed: '.length) : rest
}

function ambiguous(ctx: StepContext, failure: KlingApiError, lookupError: unknown): KlingApiError {
  const lookup =
    lookupError instanceof KlingApiError
      ? ` Looking it up failed too: ${lookupReason(lookupError, ctx.job.externalTaskId)}.`
      : ''
  const posts = ctx.memory.posts
  const sent =
    posts <= 1
      ? 'It was not sent again'
      : `It was sent ${posts} times, each time only after the service said it held no such task`
  const id = ctx.job.externalTaskId
  return new KlingApiError({
    kind: 'ambiguous_create',
    message:
      `The create request may have reached the server (${failure.message}), and no task with ` +
      `external id ${id} could be confirmed.${lookup} ${sent}, so nothing is charged twice: ` +
      `check it later with "status --external-task-id ${id}".`,
    status: failure.status,
    // A gateway that cannot look ids up is what the person must know (rule 7): its code wins.
    code:
      lookupError instanceof KlingApiError && lookupError.code === LOOKUP_UNSUPPORTED
        ? LOOKUP_UNSUPPORTED
        : failure.code,
    requestId: failure.requestId,
  })
}

function attention(ctx: StepContext, error: KlingApiError): Next {
  ctx.apply({ type: 'unconfirmed', error: error.toInfo() })
  ctx.memory.errors++
  return { after: backoffDelay(ctx.memory.errors, ATTENTION_LOOKUPS, ctx.random) }
}

/**
 * The gateway cannot tell whether the task exists (rule 7), and the person chose Send again:
 * their call, made knowing it may be charged twice. Never unasked.
 */
function personSendsUnseen(ctx: StepContext, error: unknown): boolean {
  return (
    ctx.job.state === 'needs_attention' &&
    ctx.memory.resendAllowed &&
    error instanceof KlingApiError &&
    error.code === LOOKUP_UNSUPPORTED
  )
}

/** May this job's create go out now, given that the service holds no such task? */
function maySend(ctx: StepContext): boolean {
  const m = ctx.memory
  // However the step came back here (a lost answer, a write that failed), CREATE_POSTS a session.
  if (ctx.job.state === 'creating') return m.posts < CREATE_POSTS
  return m.resendAllowed || m.autoResends < AUTO_RESENDS
}

/** Spends the permission maySend gave: the person's Send again first, else one unasked resend. */
function useSend(ctx: StepContext): void {
  const m = ctx.memory
  if (ctx.job.state !== 'needs_attention') return
  if (m.resendAllowed) m.resendAllowed = false
  else m.autoResends++
}

export async function submit(ctx: StepContext, deps: SubmitDeps): Promise<Next> {
  const unsure = ctx.job.state === 'creating' || ctx.job.state === 'needs_attention'
  // A resend out of needs_attention is one create: if it too goes unconfirmed, back it goes.
  const once = ctx.job.state === 'needs_attention'
  // Answered this session, and only the recording failed: that is the task, nothing to ask.
  const answered = ctx.memory.answered
  if (unsure && answered) return created(ctx, answered)
  if (unsure) {
    const found = await lookUp(ctx, deps)
    if ('task' in found) return created(ctx, found.task)
    if ('error' in found && !personSendsUnseen(ctx, found.error))
      return lookupFailed(ctx, deps, found.error)
    // Asked before a slot is taken: a job that may not be sent must not keep one (nothing else
    // would give it back, and the queue would stop behind it).
    if (!maySend(ctx)) {
      ctx.memory.errors++
      return { after: backoffDelay(ctx.memory.errors, ATTENTION_LOOKUPS, ctx.random) }
    }
    // A send out of needs_attention takes a slot like any create: never more than the cap.
    if (!ctx.claimSlot()) return { after: SLOT_WAIT_MS }
    useSend(ctx)
  }
  ctx.job = ctx.apply({ type: 'sending', baseUrl: ctx.baseUrl })
  ctx.memory.posts++
  let task: KlingTask
  try {
    task = await deps.videos.create(ctx.job.kind, await deps.wire(ctx.job), ctx.signal)
  } catch (error) {
    if (isAborted(error)) return { stop: true }
    if (!(error instanceof KlingApiError)) {
      ctx.apply({ type: 'failed', error: infoOf(error) })
      return { end: true }
    }
    return afterFailedCreate(ctx, deps, error, once)
  }
  // Outside the try: a failure to record the answer must not pass for a failed create. It
  // reaches the engine, which runs the step again; the job, still `creating`, records the answer
  // kept in memory (a restart in between: it is looked up).
  ctx.memory.answered = task
  return created(ctx, task)
}

function created(ctx: StepContext, task: KlingTask): Next {
  ctx.memory.errors = 0
  ctx.apply({ type: 'answered', task })
  ctx.memory.answered = undefined
  return { poll: true }
}

function lookupFailed(ctx: StepContext, deps: SubmitDeps, error: unknown): Next {
  if (isAborted(error)) return { stop: true }
  const e =
    error instanceof KlingApiError
      ? error
      : new KlingApiError({ kind: 'network', message: infoOf(error).message })
  // A passing fault: ask again later, as it was. A lookup refused (a key being replaced, a gateway
  // without this query form) says nothing about a task that may exist: the person is asked.
  if (isRetryable(e) && ctx.job.state === 'creating') {
    ctx.memory.errors++
    ctx.apply({ type: 'retrying', error: e.toInfo() })
    return {
      after: backoffDelay(
        ctx.memory.errors,
        deps.requeueBackoff ?? REQUEUE_BACKOFF,
        ctx.random,
        e.retryAfterMs,
      ),
    }
  }
  return attention(ctx, ctx.job.state === 'needs_attention' ? e : ambiguous(ctx, e, null))
}

async function afterFailedCreate(
  ctx: StepContext,
  deps: SubmitDeps,
  failure: KlingApiError,
  once: boolean,
): Promise<Next> {
  if (isDefiniteNo(failure)) {
    ctx.memory.errors++
    ctx.apply({ type: 'requeued', error: failure.toInfo() })
    const backoff = deps.requeueBackoff ?? REQUEUE_BACKOFF
    return { after: backoffDelay(ctx.memory.errors, backoff, ctx.random, failure.retryAfterMs) }
  }
  if (isFinalNo(failure) && !isDuplicateExternalId(failure)) {
    ctx.apply({ type: 'failed', error: failure.toInfo() })
    return { end: true }
  }
  // It may have created our task (or says our id is taken, so it did): look before anything else.
  const found = await lookUp(ctx, deps)
  if ('task' in found) return created(ctx, found.task)
  if ('error' in found) {
    if (isAborted(found.error)) return { stop: true }
    return attention(ctx, ambiguous(ctx, failure, found.error))
  }
  if (once || isDuplicateExternalId(failure) || ctx.memory.posts >= CREATE_POSTS)
    return attention(ctx, ambiguous(ctx, failure, null))
  // The service holds no such task: sending again cannot pay twice. The job stays `creating`, so
  // its next step looks it up once more first.
  ctx.memory.errors++
  ctx.apply({ type: 'retrying', error: failure.toInfo() })
  return {
    after: backoffDelay(
      ctx.memory.errors,
      deps.requeueBackoff ?? REQUEUE_BACKOFF,
      ctx.random,
      failure.retryAfterMs,
    ),
  }
}
