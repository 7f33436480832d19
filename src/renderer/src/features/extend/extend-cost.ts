import type { Job } from '../../../../shared/jobs'
import { estimateUnits, type AnyRequest } from '../../../../shared/kling'

// What extending a video should cost: the price table's row for an extension of a video made by
// that model in that mode (null when the table has none).

export function extensionUnits(job: Job): number | null {
  const r = job.request as AnyRequest
  return estimateUnits('video-extend', { parent: { model_name: r.model_name, mode: r.mode } }).units
}
