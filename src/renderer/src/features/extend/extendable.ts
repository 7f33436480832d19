import type { ExtendInput } from '../../../../shared/contract'
import type { Job } from '../../../../shared/jobs'
import { findModel, modelsFor, type AnyRequest } from '../../../../shared/kling'
import type { MessageKey } from '../../i18n'

// Whether a video can be extended, and if not, why, in a sentence the person can act on. The
// service extends a finished text-to-video or image-to-video clip of a model documented for
// video-extend, while its result lives (30 days); anything else it refuses after the fact.

const DAY = 86_400_000
/** How long the service keeps a task's result, and so how long it can be extended. */
export const RESULT_LIFETIME_DAYS = 30

const EXTENDABLE_KINDS: readonly Job['kind'][] = ['text2video', 'image2video']

export interface ExtendBlock {
  key: MessageKey
  params?: Record<string, string>
}

/** Null when the video can be extended; otherwise the reason it cannot. */
export function extendBlock(job: Job, now: number): ExtendBlock | null {
  if (!EXTENDABLE_KINDS.includes(job.kind)) return { key: 'extend.why.kind' }
  if (job.state === 'expired') return { key: 'extend.why.expired' }
  if (job.taskStatus !== 'succeed' || job.video === null || job.taskId === null)
    return { key: 'extend.why.notDone' }
  const ended = job.finishedAt ?? job.submittedAt ?? job.createdAt
  if (now - ended > RESULT_LIFETIME_DAYS * DAY) return { key: 'extend.why.expired' }
  // A model the catalogue does not list is allowed: the service has the last word on it.
  const name = (job.request as AnyRequest).model_name
  const model = findModel(name)
  if (model && !model.kinds['video-extend'])
    return {
      key: 'extend.why.model',
      params: {
        model: model.label,
        models: modelsFor('video-extend')
          .map((m) => m.label)
          .join(', '),
      },
    }
  return null
}

/**
 * An extension edited again is edited where it was made: its parent's extend dialog, holding
 * what it said. Null for anything else (or a parent not on this page): the composer edits it.
 */
export function extendAgainOf(
  job: Job,
  byId: Record<string, Job>,
): { job: Job; initial: Omit<ExtendInput, 'id'> } | null {
  const parent = job.parentJobId ? byId[job.parentJobId] : undefined
  if (job.kind !== 'video-extend' || !parent) return null
  const r = job.request as AnyRequest
  return {
    job: parent,
    initial: { prompt: r.prompt, negative_prompt: r.negative_prompt, cfg_scale: r.cfg_scale },
  }
}
