import type { FieldError } from '../../../../shared/kling'
import type { MessageKey, Translate } from '../../i18n'
import { errorLead } from '../../ui/errors'

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
  sound: 'create.sound',
  image: 'create.slot.image',
  image_tail: 'create.slot.image_tail',
  image_list: 'create.images',
  callback_url: 'compose.callback',
  external_task_id: 'compose.external',
}

/** The top-level field an error is about ("image_list[1].image" is about image_list). */
export const topField = (field: string): string => field.split(/[.[]/)[0] ?? field

export function localizeFieldError(error: FieldError, t: Translate): string {
  if (!error.rule) return error.message
  const top = topField(error.field)
  const label = FIELD_LABELS[top]
  const params = { field: label ? t(label) : top, ...(error.params ?? {}) }
  // The composer's own wording first, then the shared one.
  for (const key of [`create.rule.${error.rule}`, `validation.${error.rule}`] as MessageKey[]) {
    const text = t(key, params)
    if (text !== key) return text
  }
  // A rule without a translation falls back to the English message rather than showing a key.
  return error.message
}

/** An image main refused, in the person's language where its code is known, then main's words. */
export function imageErrorText(t: Translate, code: string, message: string): string {
  const rule = code.startsWith('input.') ? code.slice('input.'.length) : code
  const key = `create.inputError.${rule}` as MessageKey
  const lead = t(key)
  if (lead !== key) return `${lead} ${message}`
  return errorLead(t, code) ? `${errorLead(t, code)} ${message}` : message
}
