import { estimateUnits } from '../../shared/kling'
import type { EmulatedTask } from './task-store'

// Units the emulator charges (final_unit_deduction) for a finished task: what the shared unit
// table (src/shared/kling/units.ts) says for its kind and request, so the app's "about N units"
// and the "units charged" it later reads agree in the sandbox and in tests. An extension is priced
// by the model and mode of the video at the root of its chain, as the table prices extensions.
//
// Where the table has no answer (a combination no source prices), the emulator still has to
// charge something. Its FALLBACK, an invention written down so tests can rely on it and not the
// service's price list: 1 unit, doubled in pro, doubled again for 10 s; an extension 1 unit, 2
// when its root was made in pro.

/** The root of an extension chain: the task whose request names the model and mode. */
const rootOf = (task: EmulatedTask): EmulatedTask => (task.parent ? rootOf(task.parent) : task)

/** The request the table prices: an extension carries its root's model and mode as `parent`. */
function priced(task: EmulatedTask): object {
  if (task.kind !== 'video-extend') return task.request
  const root = rootOf(task).request as { model_name?: string; mode?: string }
  return { ...task.request, parent: { model_name: root.model_name, mode: root.mode } }
}

/** The fallback for a request the table cannot price (see above). */
function fallback(task: EmulatedTask): number {
  if (task.kind === 'video-extend') {
    const root = rootOf(task).request as { mode?: string }
    return root.mode === 'pro' ? 2 : 1
  }
  const r = task.request as { mode?: string; duration?: string }
  return (r.mode === 'pro' ? 2 : 1) * (r.duration === '10' ? 2 : 1)
}

export function unitsFor(task: EmulatedTask): string {
  const { units } = estimateUnits(task.kind, priced(task))
  return String(units ?? fallback(task))
}
