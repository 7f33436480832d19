import type { IncomingMessage } from 'node:http'
import { createPathOf, VIDEO_KINDS, type VideoKind } from '../../shared/kling'
import type { DialectName } from '../kling/dialects'
import type { EmulatorContext } from './context'
import { handleCreate } from './create'
import { isRelay, queryBody, RELAY_KINDS } from './envelopes'
import type { FaultKind } from './faults'
import type { Reply } from './http'

// The Kling API as CometAPI relays it, one pair of routes per kind of the registry (ENDPOINTS):
// POST <create path> creates, GET <create path>/<id> asks about a task of that kind. Every one
// goes through the same fault plan and Bearer check, in that order, as before. A relay dialect
// routes only the kinds its source routes, and finds a task only by the id it issued.

export type ApiRoute = { kind: VideoKind; id: string | null }

/**
 * The kind and task id a path names, or null when it is no API path (the caller answers with
 * a web server's page). An id with a slash, or a broken escape, is no API path either.
 */
export function matchApiPath(path: string, dialect: DialectName = 'kling'): ApiRoute | null {
  for (const kind of VIDEO_KINDS) {
    if (isRelay(dialect) && !RELAY_KINDS.includes(kind)) continue
    const create = createPathOf(kind)
    if (path === create) return { kind, id: null }
    if (!path.startsWith(`${create}/`)) continue
    let id: string
    try {
      id = decodeURIComponent(path.slice(create.length + 1))
    } catch {
      return null
    }
    return id === '' || id.includes('/') ? null : { kind, id }
  }
  return null
}

function authorised(ctx: EmulatorContext, req: IncomingMessage): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
  if (!m) return false
  return ctx.options.key === undefined || m[1] === ctx.options.key
}

/** Applies the fault drawn for this request; true when that already was the whole answer. */
async function misbehave(
  ctx: EmulatorContext,
  req: IncomingMessage,
  reply: Reply,
  fault: FaultKind | null,
): Promise<boolean> {
  const retry = { 'retry-after': String(ctx.retryAfterSeconds) }
  switch (fault) {
    case 'reset_before_create':
      req.socket.destroy()
      return true
    case 'rate_limit':
      reply.fail(429, 1302, 'too many requests, please slow down', retry)
      return true
    case 'parallel_limit':
      // Only a create counts a slot; a query answers as usual.
      if (req.method !== 'POST') return false
      reply.fail(429, 1303, 'too many parallel tasks')
      return true
    case 'server_500':
      reply.fail(500, 5000, 'internal server error')
      return true
    case 'server_503':
      reply.fail(503, 5001, 'service temporarily unavailable')
      return true
    case 'server_504':
      reply.fail(504, 5002, 'gateway timeout')
      return true
    case 'slow':
      await new Promise<void>((r) => ctx.later(ctx.slowMs, r))
      return false
    default:
      return false
  }
}

function handleQuery(
  ctx: EmulatorContext,
  req: IncomingMessage,
  reply: Reply,
  route: { kind: VideoKind; id: string },
  fault: FaultKind | null,
): void {
  // A relay's record is filed under the id it issued, whatever path asks (GetByTaskId).
  const task = isRelay(ctx.dialect)
    ? ctx.store.byTaskId(route.id)
    : ctx.store.lookup(route.id, route.kind)
  if (!task) return reply.noSuchTask(route.id)
  task.queryRequests++
  if (fault === 'reset_after_create') return void req.socket.destroy()
  if (fault === 'malformed') return reply.malformed(ctx.faults)
  reply.json(200, queryBody(ctx.dialect, reply.requestId, task, Date.now(), ctx.baseUrl))
}

export async function routeApi(
  ctx: EmulatorContext,
  req: IncomingMessage,
  reply: Reply,
  route: ApiRoute,
  path: string,
  method: string,
): Promise<void> {
  if (method !== (route.id === null ? 'POST' : 'GET'))
    return reply.fail(404, 1202, `${method} is not allowed on ${path}`)
  const fault = ctx.faults.next()
  if (fault) ctx.log(`fault ${fault} on ${method} ${path}`)
  if (await misbehave(ctx, req, reply, fault)) return
  if (!authorised(ctx, req)) {
    const code = ctx.options.key === undefined ? 1000 : 1002
    return reply.fail(401, code, 'authentication failed: invalid or missing API key')
  }
  if (route.id === null) return handleCreate(ctx, req, reply, route.kind, fault)
  handleQuery(ctx, req, reply, { kind: route.kind, id: route.id }, fault)
}
