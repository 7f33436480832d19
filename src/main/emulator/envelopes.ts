import type { EmulatedTask } from './task-store'
import { CONTENT_POLICY_MESSAGE, resultAt, snapshot, videoIdOf } from './task-store'
import { unitsFor } from './units'

// What the emulator says, in the shapes docs/kling-api.md documents: the envelopes, the task object
// of a create, a query and a callback, and the pages a wrong path or a bad gateway answers.

export type ErrorStyle = 'kling' | 'comet'

export function success(requestId: string, data: unknown): string {
  return JSON.stringify({ code: 0, message: 'SUCCEED', request_id: requestId, data })
}

export function errorBody(
  style: ErrorStyle,
  code: number,
  message: string,
  requestId: string,
): string {
  if (style === 'comet') {
    return JSON.stringify({
      error: {
        message: `${message} (request id: ${requestId})`,
        type: 'comet_api_error',
        param: '',
        code: String(code),
      },
    })
  }
  return JSON.stringify({ code, message, request_id: requestId })
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

export const HTML_404 =
  '<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>'
export const HTML_502 =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>'
