import type { FieldError } from '../../../../shared/kling'
import type { MessageKey, Translate } from '../../i18n'

// Validation and model warnings come from the shared rules (one source of truth for the app, the
// command line and the emulator); the window says them in the person's language.

export const FIELD_LABELS: Record<string, MessageKey> = {
  prompt: 'compose.prompt',
  negative_prompt: 'compose.negative',
  aspect_ratio: 'compose.aspect',
  duration: 'compose.duration',
  mode: 'compose.mode',
  model_name: 'compose.model',
  cfg_scale: 'compose.cfg',
  camera_control: 'compose.camera',
  callback_url: 'compose.callback',
  external_task_id: 'compose.external',
}

export function localizeFieldError(error: FieldError, t: Translate): string {
  if (!error.rule) return error.message
  const top = error.field.split('.')[0] ?? error.field
  const label = FIELD_LABELS[top]
  const key = `validation.${error.rule}` as MessageKey
  const text = t(key, { field: label ? t(label) : top, ...(error.params ?? {}) })
  // A rule without a translation falls back to the English message rather than showing a key.
  return text === key ? error.message : text
}
