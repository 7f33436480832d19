import {
  CAMERA_AXES,
  CAMERA_PRESETS,
  isRecord,
  LIMITS,
  type CameraAxis,
  type CameraConfig,
  type CameraControl,
  type CameraPreset,
  type FieldError,
} from './fields'

// camera_control: a preset by name, or "simple" with exactly one of six axes set to a non-zero
// number from -10 to 10 (all six are sent, zeros included: the documented shape).

export function camera(
  value: unknown,
  field: string,
  errors: FieldError[],
): CameraControl | undefined {
  if (!isRecord(value)) {
    errors.push({
      field,
      message: `${field} must be an object with a "type"`,
      rule: 'camera_object',
    })
    return undefined
  }
  const unknownKeys = Object.keys(value).filter((k) => k !== 'type' && k !== 'config')
  if (unknownKeys.length > 0) {
    errors.push({
      field,
      message: `${field} has unknown field(s): ${unknownKeys.join(', ')}`,
      rule: 'unknown_fields',
      params: { fields: unknownKeys.join(', ') },
    })
    return undefined
  }
  const { type, config } = value
  if (typeof type === 'string' && (CAMERA_PRESETS as readonly string[]).includes(type)) {
    if (config !== undefined) {
      errors.push({
        field: `${field}.config`,
        message: `${field}.config must be left out for the preset "${type}" (only "simple" takes a config)`,
        rule: 'camera_preset_config',
        params: { preset: type },
      })
      return undefined
    }
    return { type: type as CameraPreset }
  }
  if (type !== 'simple') {
    errors.push({
      field: `${field}.type`,
      message: `${field}.type must be "simple" or one of ${CAMERA_PRESETS.join(', ')}`,
      rule: 'one_of',
      params: { allowed: ['simple', ...CAMERA_PRESETS].join(', ') },
    })
    return undefined
  }
  if (!isRecord(config)) {
    errors.push({
      field: `${field}.config`,
      message: `${field}.config is required for type "simple": one of ${CAMERA_AXES.join(', ')} set to a non-zero number from ${LIMITS.cameraMin} to ${LIMITS.cameraMax}`,
      rule: 'camera_config_required',
      params: { min: LIMITS.cameraMin, max: LIMITS.cameraMax },
    })
    return undefined
  }
  const axes = simpleAxes(config, `${field}.config`, errors)
  return axes ? { type: 'simple', config: axes } : undefined
}

function simpleAxes(
  config: Record<string, unknown>,
  field: string,
  errors: FieldError[],
): CameraConfig | undefined {
  const out: CameraConfig = {}
  let nonZero = 0
  let bad = false
  for (const key of Object.keys(config)) {
    if (!(CAMERA_AXES as readonly string[]).includes(key)) {
      errors.push({
        field: `${field}.${key}`,
        message: `${field}.${key} is not a camera axis (allowed: ${CAMERA_AXES.join(', ')})`,
        rule: 'camera_axis',
        params: { axis: key },
      })
      bad = true
      continue
    }
    const n = config[key]
    if (
      typeof n !== 'number' ||
      !Number.isFinite(n) ||
      n < LIMITS.cameraMin ||
      n > LIMITS.cameraMax
    ) {
      errors.push({
        field: `${field}.${key}`,
        message: `${field}.${key} must be a number from ${LIMITS.cameraMin} to ${LIMITS.cameraMax}`,
        rule: 'range',
        params: { min: LIMITS.cameraMin, max: LIMITS.cameraMax },
      })
      bad = true
      continue
    }
    out[key as CameraAxis] = n
    if (n !== 0) nonZero++
  }
  if (bad) return undefined
  if (nonZero !== 1) {
    errors.push({
      field,
      message: `${field} must have exactly one non-zero axis (found ${nonZero})`,
      rule: 'camera_one_axis',
      params: { found: nonZero },
    })
    return undefined
  }
  return Object.fromEntries(CAMERA_AXES.map((a) => [a, out[a] ?? 0])) as CameraConfig
}
