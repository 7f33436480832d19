import { findModel, type VideoExtendRequest } from '../../shared/kling'
import { resultAt, snapshot, videoIdOf, type EmulatedTask, type TaskStore } from './task-store'

// Which task a video-extend may name, as the service decides it: one that exists, has succeeded,
// owns the video_id given, was made by a model that can be extended (an extension counts as its
// root parent's model) and whose result still lives. Each refusal names its rule.

export type ParentCheck = { ok: true; parent: EmulatedTask } | { ok: false; message: string }

/** The models the registry documents for video-extend (kling-v1 and kling-v1-6). */
export const isExtensionCompatible = (model: string): boolean =>
  findModel(model)?.kinds['video-extend'] !== undefined

export function checkParent(
  store: TaskStore,
  request: VideoExtendRequest,
  now: number,
  resultLifetimeMs: number,
): ParentCheck {
  const id = request.task_id
  const refuse = (why: string): ParentCheck => ({
    ok: false,
    message: `the parent task ${id} cannot be extended: ${why}`,
  })
  const parent = store.byTaskId(id)
  if (!parent) return refuse('no such task')
  const { status } = snapshot(parent, now)
  if (status === 'failed') return refuse('it failed')
  if (status !== 'succeed') return refuse(`it has not finished (it is ${status})`)
  if (request.video_id !== videoIdOf(parent))
    return { ok: false, message: `video_id ${request.video_id} does not belong to task ${id}` }
  if (!isExtensionCompatible(parent.model))
    return refuse(`model ${parent.model} is not extension-compatible`)
  if (now - resultAt(parent) >= resultLifetimeMs)
    return refuse('its result has expired (results live 30 days)')
  return { ok: true, parent }
}
