import { CAMERA_AXES, CAMERA_PRESETS, type FieldError } from '../../shared/kling'

/** A mistake in how the command was called: exit code 2, with a message naming the field. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** Which flag sets which request field, so a validation message can name both. */
export const FLAG_FOR_FIELD: Record<string, string> = {
  prompt: '<prompt>',
  negative_prompt: '--negative-prompt',
  aspect_ratio: '--aspect-ratio',
  duration: '--duration',
  mode: '--mode',
  model_name: '--model',
  cfg_scale: '--cfg-scale',
  camera_control: '--camera',
  callback_url: '--callback-url',
  external_task_id: '--external-task-id',
  sound: '--sound',
  image: '--image',
  image_tail: '--image-tail',
  image_list: '--images',
}

export function describeFieldErrors(errors: readonly FieldError[]): string {
  return errors
    .map((e) => {
      const flag = FLAG_FOR_FIELD[e.field.split(/[.[]/)[0] ?? '']
      return flag ? `${flag}: ${e.message}` : e.message
    })
    .join('\n')
}

/** "--camera down_back" or "--camera simple:zoom=5" (several axes comma-separated, for the error). */
export function parseCameraFlag(value: string): unknown {
  if ((CAMERA_PRESETS as readonly string[]).includes(value)) return { type: value }
  const m = /^simple:(.+)$/.exec(value)
  if (!m) {
    throw new UsageError(
      `--camera: camera_control must be a preset (${CAMERA_PRESETS.join(', ')}) or simple:AXIS=VALUE with AXIS one of ${CAMERA_AXES.join(', ')}`,
    )
  }
  const config: Record<string, unknown> = {}
  for (const pair of m[1]!.split(',')) {
    const [axis, raw] = pair.split('=')
    if (!axis || raw === undefined || raw.trim() === '') {
      throw new UsageError(`--camera: camera_control expects simple:AXIS=VALUE, got "${value}"`)
    }
    const n = Number(raw)
    config[axis.trim()] = Number.isFinite(n) ? n : raw
  }
  return { type: 'simple', config }
}

/** A number from a flag, or the raw text so that validation names the field in its error. */
export function numberOrRaw(value: string): number | string {
  const n = Number(value)
  return value.trim() !== '' && Number.isFinite(n) ? n : value
}

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }

/** "15m", "90s", "1h30m", "500ms", or plain seconds. */
export function parseDuration(flag: string, value: string): number {
  const text = value.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1_000
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)]
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new UsageError(`${flag} must be a duration such as 90s, 15m or 1h (got "${value}")`)
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!]!, 0)
}

export function parseNumberFlag(
  flag: string,
  value: string | undefined,
  { min, max, integer }: { min: number; max: number; integer?: boolean },
): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (
    value.trim() === '' ||
    !Number.isFinite(n) ||
    n < min ||
    n > max ||
    (integer && !Number.isInteger(n))
  ) {
    throw new UsageError(
      `${flag} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max} (got "${value}")`,
    )
  }
  return n
}
