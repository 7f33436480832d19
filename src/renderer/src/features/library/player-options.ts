import type { MediaFacts } from '../../../../shared/contract'
import type { Job } from '../../../../shared/jobs'
import {
  DEFAULT_MODEL,
  ENDPOINTS,
  fieldsOf,
  findModel,
  parseInputRef,
  type AnyRequest,
} from '../../../../shared/kling'
import type { MessageKey, Translate } from '../../i18n'
import { clockText, ratioText } from './media'

// The options a job was made with, as the player lists them: only the fields of the job's kind,
// each in the person's words. Where the request left one to the server and the result says what
// the server did (the length it made, the shape of the file), that is shown instead of "default".

export interface OptionRow {
  key: string
  label: string
  value: string
  /** The full text where the value is shortened (an image's address). */
  title?: string
}

/** An image as named in a request: a kept input by its hash, or an address, shortened. */
export function imageRefText(ref: string): { text: string; title: string } {
  const input = parseInputRef(ref)
  if (input) return { text: `${input.sha256.slice(0, 10)}….${input.ext}`, title: ref }
  try {
    const u = new URL(ref)
    const name = u.pathname.split('/').filter(Boolean).pop() ?? ''
    return { text: `${u.host}/…/${name}`, title: ref }
  } catch {
    return { text: ref.slice(0, 24), title: ref }
  }
}

function cameraText(r: AnyRequest, t: Translate): string | undefined {
  const camera = r.camera_control
  if (!camera) return undefined
  if (camera.type !== 'simple') return t(`compose.camera.${camera.type}` as MessageKey)
  const moves = Object.entries(camera.config ?? {})
    .filter(([, v]) => v !== 0)
    .map(([axis, v]) => `${t(`compose.axis.${axis}` as MessageKey)} ${v}`)
  return moves.join(', ') || t('compose.camera.simple')
}

function durationText(job: Job, facts: MediaFacts | undefined, t: Translate): string {
  const r = job.request as AnyRequest
  if (r.duration) return t('player.seconds', { n: r.duration })
  const made = Number(job.video?.duration)
  if (job.video && Number.isFinite(made) && made > 0)
    return t('player.fromServer', { value: t('player.seconds', { n: Math.round(made) }) })
  if (facts?.durationSeconds)
    return t('player.fromFile', { value: clockText(facts.durationSeconds) })
  return t('player.serverDefault')
}

function aspectText(job: Job, facts: MediaFacts | undefined, t: Translate): string | null {
  const r = job.request as AnyRequest
  if (r.aspect_ratio) return r.aspect_ratio
  if (facts?.width && facts.height)
    return t('player.fromFile', { value: ratioText(facts.width, facts.height) })
  // Image-led kinds take the image's shape: nothing to say before the file is read.
  return ENDPOINTS[job.kind].hasAspectRatio ? t('player.serverDefault') : null
}

export function optionRows(job: Job, facts: MediaFacts | undefined, t: Translate): OptionRow[] {
  const r = job.request as AnyRequest
  const fields = new Set(fieldsOf(job.kind))
  const rows: OptionRow[] = []
  const add = (key: string, value: string | null | undefined, title?: string) => {
    if (value === null || value === undefined || value === '') return
    if (key !== 'parent' && !fields.has(key)) return
    rows.push({ key, label: t(`player.field.${key}` as MessageKey), value, title })
  }
  const image = (key: 'image' | 'image_tail' | 'static_mask') => {
    const ref = r[key]
    if (typeof ref === 'string') {
      const shown = imageRefText(ref)
      add(key, shown.text, shown.title)
    }
  }
  image('image')
  image('image_tail')
  if (r.image_list?.length) {
    const refs = r.image_list.map((i) => imageRefText(i.image))
    add(
      'image_list',
      `${t('player.images', { n: refs.length })}: ${refs.map((x) => x.text).join(', ')}`,
      refs.map((x) => x.title).join('\n'),
    )
  }
  if (job.kind === 'video-extend' && job.parentJobId) add('parent', job.parentJobId)
  add('aspect_ratio', aspectText(job, facts, t))
  add('duration', durationText(job, facts, t))
  add('mode', r.mode ? t(`player.mode.${r.mode}`) : t('player.serverDefault'))
  add(
    'model_name',
    r.model_name
      ? (findModel(r.model_name)?.label ?? r.model_name)
      : t('player.defaultModel', { model: DEFAULT_MODEL }),
  )
  add('cfg_scale', r.cfg_scale?.toString())
  add('camera_control', cameraText(r, t))
  image('static_mask')
  if (r.dynamic_masks?.length)
    add('dynamic_masks', t('player.brushes', { n: r.dynamic_masks.length }))
  add('sound', r.sound ? t(`player.sound.${r.sound}`) : undefined)
  add('callback_url', r.callback_url)
  return rows
}
