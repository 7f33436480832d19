import type { Job } from '../../../../shared/jobs'
import { DEFAULT_MODEL, findModel, type AnyRequest } from '../../../../shared/kling'
import type { Translate } from '../../i18n'

// A Generate in one line: its kind, its model and the options it was made with, in the person's
// words. An option left to the server is not mentioned.

/** The model that made it; an extension's is its parent's (null: the parent is not at hand). */
export function modelText(job: Job, t: Translate, parent?: Job): string | null {
  if (job.kind === 'video-extend') return parent ? modelText(parent, t) : null
  const name = (job.request as AnyRequest).model_name
  if (!name)
    return t('feed.serverModel', { model: findModel(DEFAULT_MODEL)?.label ?? DEFAULT_MODEL })
  return findModel(name)?.label ?? name
}

export function optionsText(job: Job, t: Translate): string[] {
  const r = job.request as AnyRequest
  const parts: string[] = []
  if (job.kind === 'image2video')
    parts.push(t(r.image_tail ? 'feed.firstLastFrame' : 'feed.firstFrame'))
  if (job.kind === 'multi-image2video' && r.image_list)
    parts.push(t('feed.images', { n: r.image_list.length }))
  if (r.aspect_ratio) parts.push(r.aspect_ratio)
  if (r.duration) parts.push(t('feed.seconds', { n: r.duration }))
  if (r.mode) parts.push(t(r.mode === 'pro' ? 'feed.mode.pro' : 'feed.mode.std'))
  if (r.cfg_scale !== undefined) parts.push(`cfg ${r.cfg_scale}`)
  if (r.camera_control) parts.push(t('compose.camera'))
  return parts
}
