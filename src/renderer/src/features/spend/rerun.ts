import type { Job } from '../../../../shared/jobs'
import { estimateUnits } from '../../../../shared/kling'
import { api, call } from '../../api'
import { useJobs } from '../../stores/jobs'
import { extensionUnits } from '../extend/extend-cost'
import { payWithinCaps } from './gate'

// "Try again" and "Generate again": the same request as a new paid task, within the caps like a
// Generate. An extension costs by the video at the root of its chain (its model and mode).

/** Units a rerun of this job should cost (null: unknown, or its root video is not held here). */
export function rerunUnits(job: Job, byId: Readonly<Record<string, Job>>): number | null {
  if (job.kind === 'video-extend') return extensionUnits(job, byId)
  return estimateUnits(job.kind, job.request).units
}

/** Sends the rerun within the caps: the new job, or null when the person declined (nothing sent). */
export async function rerunWithinCaps(job: Job): Promise<Job | null> {
  const units = rerunUnits(job, useJobs.getState().byId)
  const next = await payWithinCaps(units, 'rerun', (overBudget) =>
    call(api().tasks.rerun({ id: job.id, changes: {}, ...(overBudget ? { overBudget } : {}) })),
  )
  if (next) useJobs.getState().apply(next)
  return next
}
