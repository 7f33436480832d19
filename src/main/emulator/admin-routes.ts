import type { IncomingMessage } from 'node:http'
import type { EmulatorContext } from './context'
import { FAULT_KINDS, type FaultKind } from './faults'
import { MAX_BODY, readBody, type Reply } from './http'
import type { EmulatorTaskView } from './options'
import { snapshot } from './task-store'

// The emulator's own endpoints under /__emulator/, for tests and people: the task list, a health
// check, and a way to change the fault plan while running. Never faulty, never authenticated.

export function taskViews(ctx: EmulatorContext): EmulatorTaskView[] {
  const now = Date.now()
  return ctx.store.all().map((t) => ({
    task_id: t.taskId,
    kind: t.kind,
    external_task_id: t.externalTaskId,
    parent_task_id: t.parent?.taskId ?? null,
    task_status: snapshot(t, now).status,
    create_requests: t.createRequests,
    query_requests: t.queryRequests,
    callback_deliveries: t.callbackDeliveries,
    request: t.request,
  }))
}

/** POST /__emulator/config: change faults while running, e.g. {"faultRate":1,"faultKinds":["slow"]}. */
async function handleConfig(ctx: EmulatorContext, req: IncomingMessage, reply: Reply) {
  let body: Record<string, unknown>
  try {
    body = JSON.parse(await readBody(req, MAX_BODY)) as Record<string, unknown>
  } catch {
    return reply.fail(400, 1200, 'config must be JSON')
  }
  const rate =
    typeof body.faultRate === 'number' && body.faultRate >= 0 && body.faultRate <= 1
      ? body.faultRate
      : null
  const kinds = Array.isArray(body.faultKinds)
    ? body.faultKinds.filter((k): k is FaultKind => (FAULT_KINDS as readonly unknown[]).includes(k))
    : undefined
  if (rate === null) return reply.fail(400, 1201, 'faultRate must be a number from 0 to 1')
  ctx.faults.configure(rate, kinds)
  if (typeof body.slowMs === 'number' && body.slowMs >= 0) ctx.slowMs = body.slowMs
  reply.json(200, '{"ok":true}')
}

/** Answers an /__emulator/ path other than videos; false when the path is not one of these. */
export async function routeAdmin(
  ctx: EmulatorContext,
  req: IncomingMessage,
  reply: Reply,
  path: string,
  method: string,
): Promise<boolean> {
  if (path === '/__emulator/tasks' && method === 'GET') {
    reply.json(200, JSON.stringify(taskViews(ctx)))
    return true
  }
  if (path === '/__emulator/health') {
    reply.json(200, '{"ok":true}')
    return true
  }
  if (path === '/__emulator/config' && method === 'POST') {
    await handleConfig(ctx, req, reply)
    return true
  }
  return false
}
