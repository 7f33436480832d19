import type { IncomingMessage } from 'node:http'
import {
  ENDPOINTS,
  formatFieldErrors,
  validateRequest,
  type VideoExtendRequest,
  type VideoKind,
} from '../../shared/kling'
import { deliverCallbacks } from './callbacks'
import type { EmulatorContext } from './context'
import { createdBody } from './envelopes'
import type { FaultKind } from './faults'
import { BodyTooLarge, MAX_BODY, MAX_IMAGE_BODY, readBody, type Reply } from './http'
import { checkImages } from './image-checks'
import { checkParent } from './parent-rule'
import { modelOf, shapeOf } from './shapes'
import type { EmulatedTask, NewTask } from './task-store'

// POST /kling/v1/videos/<kind>: a create of any registered kind. The body is checked as the
// service would (the registry's field rules on the wire form, then each image from its bytes,
// then an extension's parent), and what it will make is decided before the task exists.

type Admission = { ok: true; task: NewTask } | { ok: false; message: string }

/** Everything the service checks before it takes a task, in the order it reports them. */
async function admit(ctx: EmulatorContext, kind: VideoKind, body: unknown): Promise<Admission> {
  const checked = validateRequest(kind, body, { form: 'wire' })
  if (!checked.ok) return { ok: false, message: formatFieldErrors(checked.errors) }
  const request = checked.value
  const images = await checkImages(
    kind,
    request as unknown as Record<string, unknown>,
    ctx.imageFetchTimeoutMs,
  )
  if (!images.ok) return { ok: false, message: formatFieldErrors(images.errors) }
  let parent: EmulatedTask | null = null
  // An endpoint whose body names a task extends that task's video (video-extend).
  if (Object.hasOwn(ENDPOINTS[kind].body.fields, 'task_id')) {
    const found = checkParent(
      ctx.store,
      request as VideoExtendRequest,
      Date.now(),
      ctx.resultLifetimeMs,
    )
    if (!found.ok) return found
    parent = found.parent
  }
  const shape = shapeOf(kind, request, images.facts[0], parent)
  return { ok: true, task: { kind, request, shape, model: modelOf(request, parent), parent } }
}

/** The parsed body, or null once it has answered why there is none. */
async function readJson(
  req: IncomingMessage,
  kind: VideoKind,
  reply: Reply,
): Promise<{ body: unknown } | null> {
  const cap = ENDPOINTS[kind].imagePaths.length > 0 ? MAX_IMAGE_BODY : MAX_BODY
  let text: string
  try {
    text = await readBody(req, cap)
  } catch (error) {
    if (!(error instanceof BodyTooLarge)) throw error
    reply.fail(413, 1200, 'request body is too large')
    return null
  }
  try {
    return { body: JSON.parse(text) as unknown }
  } catch {
    reply.fail(400, 1200, 'request body is not valid JSON')
    return null
  }
}

export async function handleCreate(
  ctx: EmulatorContext,
  req: IncomingMessage,
  reply: Reply,
  kind: VideoKind,
  fault: FaultKind | null,
): Promise<void> {
  const read = await readJson(req, kind, reply)
  if (!read) return
  const admitted = await admit(ctx, kind, read.body)
  if (!admitted.ok) return reply.fail(400, 1201, admitted.message)
  const ext = admitted.task.request.external_task_id
  const existing = ext !== undefined ? ctx.store.byExternalId(ext) : undefined
  if (existing) {
    existing.createRequests++
    return reply.fail(400, 1201, `external_task_id already exists: ${ext}`)
  }
  const task = ctx.store.create(admitted.task, Date.now())
  ctx.log(`created ${kind} ${task.taskId}${ext ? ` (${ext})` : ''}`)
  const callbackUrl = admitted.task.request.callback_url
  if (callbackUrl)
    deliverCallbacks(task, callbackUrl, {
      later: ctx.later,
      baseUrl: () => ctx.baseUrl,
      log: ctx.log,
    })
  if (fault === 'reset_after_create') return void req.socket.destroy()
  if (fault === 'malformed') return reply.malformed(ctx.faults)
  reply.json(200, createdBody(ctx.dialect, reply.requestId, task, ctx.baseUrl))
}
