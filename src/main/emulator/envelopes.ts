import type { DialectName } from '../kling/dialects'
import type { EmulatedTask } from './task-store'
import { CONTENT_POLICY_MESSAGE, resultAt, snapshot, videoIdOf } from './task-store'
import { unitsFor } from './units'

// What the emulator says, in the shapes docs/kling-api.md documents, in each gateway dialect of
// src/main/kling/dialects.ts (whose rows name the code each shape was read from): the envelopes,
// the task object of a create, a query and a callback, "no such task", and the pages a wrong path
// or a bad gateway answers.

/** The older name of the dialect option, from when only the error envelopes differed. */
export type ErrorStyle = 'kling' | 'comet'

/** The relays: their own records, their own errors, tasks found only by the ids they issued. */
export const isRelay = (d: DialectName): boolean => d === 'new-api' || d === 'one-hub'

/** The one Kling endpoint pair each relay routes (router/video-router.go, relay-router.go). */
export const RELAY_KINDS: readonly string[] = ['text2video', 'image2video']

export function success(requestId: string, data: unknown): string {
  return JSON.stringify({ code: 0, message: 'SUCCEED', request_id: requestId, data })
}

/** The relays' own OpenAI-style refusal (abortWithOpenAiMessage): the request id in the text. */
function openAiStyle(type: string, message: string, requestId: string, code?: string): string {
  const error: Record<string, string> = { message: `${message} (request id: ${requestId})`, type }
  if (code !== undefined) error.code = code
  return JSON.stringify({ error })
}

/**
 * new-api rewrites every 429's message (controller/relay.go respondTaskError): "the group's
 * upstream is saturated, try again later".
 */
const NEW_API_429 = '当前分组上游负载已饱和，请稍后再试'

/** A refusal with Kling's business code, as each dialect passes it on. */
export function errorBody(
  dialect: DialectName,
  status: number,
  code: number,
  message: string,
  requestId: string,
): string {
  switch (dialect) {
    case 'comet':
      return JSON.stringify({
        error: {
          message: `${message} (request id: ${requestId})`,
          type: 'comet_api_error',
          param: '',
          code: String(code),
        },
      })
    case 'new-api':
      // The key is the relay's own check; anything else is the upstream's answer, passed on
      // verbatim as the message of a TaskError (relay/relay_task.go, "fail_to_fetch_task").
      if (status === 401) return openAiStyle('new_api_error', message, requestId, '')
      return JSON.stringify({
        code: 'fail_to_fetch_task',
        message:
          status === 429 ? NEW_API_429 : JSON.stringify({ code, message, request_id: requestId }),
        data: null,
      })
    case 'one-hub':
      // OpenAIErrToTaskErr keeps a code only when it is text: Kling's numbers become "".
      if (status === 401) return openAiStyle('one_hub_error', message, requestId)
      return JSON.stringify({ code: '', message })
    default:
      return JSON.stringify({ code, message, request_id: requestId })
  }
}

/** "No such task": the status and body each dialect answers a query for an unknown id with. */
export function noSuchTask(
  dialect: DialectName,
  id: string,
  requestId: string,
): { status: number; body: string } {
  switch (dialect) {
    case 'new-api':
      return {
        status: 400,
        body: JSON.stringify({ code: 'task_not_exist', message: 'task_not_exist', data: null }),
      }
    case 'one-hub':
      return { status: 404, body: JSON.stringify({ code: 'task_not_exist', message: '' }) }
    default:
      // Kling and CometAPI publish none: the emulator's own, 404 with a message that says it.
      return {
        status: 404,
        body: errorBody(dialect, 404, 1202, `task not found: ${id}`, requestId),
      }
  }
}

/** A finished task's one video: its id, a signed-style URL and its duration. */
export function videoOf(
  task: EmulatedTask,
  baseUrl: string,
): { id: string; url: string; duration: string } {
  const updatedAt = resultAt(task)
  return {
    id: videoIdOf(task),
    // Signed-URL style: no key needed, and a far-future expiry like Kling's 30 days.
    url: `${baseUrl}/__emulator/videos/${task.taskId}.mp4?expires=${updatedAt + 30 * 86_400_000}`,
    duration: String(task.shape.seconds),
  }
}

/** task_info: the caller's external id, and for an extension the video it extends. */
function taskInfo(task: EmulatedTask, baseUrl: string): Record<string, unknown> {
  return {
    ...(task.externalTaskId !== null ? { external_task_id: task.externalTaskId } : {}),
    ...(task.parent ? { parent_video: videoOf(task.parent, baseUrl) } : {}),
  }
}

/** The answer to a create: only the first fields, as the service sends them. */
export function createdData(task: EmulatedTask, baseUrl: string): Record<string, unknown> {
  return {
    task_id: task.taskId,
    task_status: 'submitted',
    task_info: taskInfo(task, baseUrl),
    created_at: task.createdAt,
    updated_at: task.createdAt,
  }
}

/** The full task object of a query, and the body of a callback. */
export function taskData(
  task: EmulatedTask,
  now: number,
  baseUrl: string,
): Record<string, unknown> {
  const { status, updatedAt } = snapshot(task, now)
  return {
    task_id: task.taskId,
    task_status: status,
    task_status_msg: status === 'failed' ? CONTENT_POLICY_MESSAGE : '',
    task_info: taskInfo(task, baseUrl),
    task_result: status === 'succeed' ? { videos: [videoOf(task, baseUrl)] } : {},
    ...(status === 'succeed' ? { final_unit_deduction: unitsFor(task) } : {}),
    created_at: task.createdAt,
    updated_at: updatedAt,
  }
}

/**
 * Kling's task as one-hub stores and answers it (providers/kling/type.go KlingTaskData): no
 * task_info, no units, an empty reason left out, and videos null until there are some.
 */
function oneHubData(data: Record<string, unknown>): Record<string, unknown> {
  const { task_info: _info, final_unit_deduction: _units, task_status_msg, ...rest } = data
  const result = rest.task_result as { videos?: unknown } | undefined
  return {
    ...rest,
    ...(task_status_msg ? { task_status_msg } : {}),
    ...(result ? { task_result: { videos: result.videos ?? null } } : {}),
  }
}

// model.TaskStatus: the words new-api's record uses for Kling's.
const RECORD_STATUS: Record<string, string> = {
  submitted: 'SUBMITTED',
  processing: 'IN_PROGRESS',
  succeed: 'SUCCESS',
  failed: 'FAILURE',
}

/** new-api's own record of a task (dto.TaskDto), holding Kling's whole answer in `data`. */
function newApiRecord(
  task: EmulatedTask,
  kling: Record<string, unknown>,
  requestId: string,
): Record<string, unknown> {
  const status = String(kling.task_status)
  const seconds = (ms: unknown) => Math.floor(Number(ms) / 1000)
  const done = status === 'succeed' || status === 'failed'
  const videos = (kling.task_result as { videos?: { url: string }[] }).videos
  return {
    id: Number(task.taskId.slice(-6)),
    created_at: seconds(task.createdAt),
    updated_at: seconds(kling.updated_at),
    task_id: task.taskId,
    platform: '50',
    user_id: 1,
    group: 'default',
    channel_id: 1,
    quota: 0,
    action: task.kind === 'image2video' ? 'generate' : 'textGenerate',
    status: RECORD_STATUS[status] ?? 'UNKNOWN',
    fail_reason: status === 'failed' ? String(kling.task_status_msg) : (videos?.[0]?.url ?? ''),
    ...(videos?.[0] ? { result_url: videos[0].url } : {}),
    submit_time: seconds(task.createdAt),
    start_time: status === 'submitted' ? 0 : seconds(task.createdAt),
    finish_time: done ? seconds(kling.updated_at) : 0,
    progress: done ? '100%' : status === 'processing' ? '30%' : '10%',
    properties: { input: '', upstream_model_name: task.model, origin_model_name: task.model },
    data: { code: 0, message: 'SUCCEED', request_id: requestId, data: kling },
  }
}

/** The answer to a create, per dialect. */
export function createdBody(
  dialect: DialectName,
  requestId: string,
  task: EmulatedTask,
  baseUrl: string,
): string {
  const data = createdData(task, baseUrl)
  if (dialect === 'one-hub') return success(requestId, oneHubData(data))
  if (dialect !== 'new-api') return success(requestId, data)
  // new-api answers a create with an OpenAI video object (kling adaptor DoResponse); its id is the
  // one to ask with (Kling's own in the releases between 2025-10 and 2026-02).
  return JSON.stringify({
    id: task.taskId,
    task_id: task.taskId,
    object: 'video',
    model: task.model,
    status: 'queued',
    progress: 0,
    created_at: Math.floor(task.createdAt / 1000),
  })
}

/** The answer to a query, per dialect. */
export function queryBody(
  dialect: DialectName,
  requestId: string,
  task: EmulatedTask,
  now: number,
  baseUrl: string,
): string {
  const data = taskData(task, now, baseUrl)
  if (dialect === 'one-hub') return success(requestId, oneHubData(data))
  if (dialect !== 'new-api') return success(requestId, data)
  return JSON.stringify({ code: 'success', message: '', data: newApiRecord(task, data, requestId) })
}

export const HTML_404 =
  '<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>'
export const HTML_502 =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>'
