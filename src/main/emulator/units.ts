import type { RequestOf, VideoKind } from '../../shared/kling'
import type { EmulatedTask } from './task-store'

// Units the emulator charges (final_unit_deduction) for a finished task, per kind. Text-to-video
// follows the service as the app has seen it: pro costs double, and so does 10 s. The rules for
// the other kinds are the EMULATOR'S INVENTION, written down here so tests can rely on them; they
// are not the service's price list:
//   image2video        as text-to-video, plus 1 when it steers (last frame, masks or camera)
//   multi-image2video  as text-to-video, plus 1 for each reference image beyond the first two
//   video-extend       1 for the EXTENSION_SECONDS it adds, 2 if its root parent was made in pro

const base = (r: { mode?: string; duration?: string }): number =>
  (r.mode === 'pro' ? 2 : 1) * (r.duration === '10' ? 2 : 1)

/** The root of an extension chain: the task whose request names the mode. */
const rootOf = (task: EmulatedTask): EmulatedTask => (task.parent ? rootOf(task.parent) : task)

const RULES: { [K in VideoKind]: (request: RequestOf[K], task: EmulatedTask) => number } = {
  text2video: (r) => base(r),
  image2video: (r) =>
    base(r) +
    (r.image_tail !== undefined ||
    r.static_mask !== undefined ||
    r.dynamic_masks !== undefined ||
    r.camera_control !== undefined
      ? 1
      : 0),
  'multi-image2video': (r) => base(r) + Math.max(0, r.image_list.length - 2),
  'video-extend': (_r, task) => {
    const root = rootOf(task).request as { mode?: string }
    return root.mode === 'pro' ? 2 : 1
  },
}

export function unitsFor(task: EmulatedTask): string {
  const rule = RULES[task.kind] as (request: unknown, task: EmulatedTask) => number
  return String(rule(task.request, task))
}
