import type { Job } from '../../../../shared/jobs'
import { estimateUnits, type AnyRequest } from '../../../../shared/kling'

// What extending a video should cost: the price table's row for an extension of a video made by
// the model, in the mode, of the video at the root of its chain (an extension's own request names
// neither). Null when the table has none, or the root is not held here.

/** The video an extension chain starts from (the job itself when it is no extension). */
export function rootOf(job: Job, byId: Readonly<Record<string, Job>>): Job | undefined {
  let root: Job | undefined = job
  for (let hops = 0; root?.kind === 'video-extend' && hops < 100; hops++)
    root = root.parentJobId ? byId[root.parentJobId] : undefined
  return root?.kind === 'video-extend' ? undefined : root
}

export function extensionUnits(job: Job, byId: Readonly<Record<string, Job>>): number | null {
  const root = rootOf(job, byId)
  if (!root) return null
  const r = root.request as AnyRequest
  return estimateUnits('video-extend', { parent: { model_name: r.model_name, mode: r.mode } }).units
}
