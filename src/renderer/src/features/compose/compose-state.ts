import {
  capabilityWarnings,
  estimateUnits,
  validateRequest,
  type FieldError,
} from '../../../../shared/kling'
import type { Translate } from '../../i18n'
import type { DraftData } from './draft-data'
import { fieldHelp } from './field-help'
import { toRequest } from './form'
import { localizeFieldError, topField } from './messages'
import { capsOf, refuses } from './model-choice'
import { slotOfField, type SlotKey } from './slots'

// Everything the composer shows that follows from the draft: the request it makes, whether the
// shared rules take it (and each error by field and by image slot), the model's warnings, the
// estimated cost, and why a slot or camera movement cannot be used with the options chosen.

export function composeState(draft: DraftData, touched: boolean, t: Translate) {
  const { kind, form, images, takes } = draft
  const caps = capsOf(form.model, kind)
  const request = toRequest(form, kind, images)
  const checked = validateRequest(kind, request)
  const errors: Record<string, string> = {}
  const slotErrors: Partial<Record<SlotKey | 'list', string>> = {}
  for (const e of checked.ok ? [] : checked.errors) {
    const text = localizeFieldError(e, t)
    errors[topField(e.field)] ??= text
    // A missing image is said once the person tried to Generate, not while they type a prompt.
    const slot = touched ? slotOfField(e.field) : null
    if (slot) slotErrors[slot] ??= text
  }
  const warnings: FieldError[] = capabilityWarnings(kind, request)
  const tailRefused = refuses(caps, 'imageTail')
  const tailOff = tailRefused
    ? t('create.slot.tailOff', { model: caps.model?.label ?? form.model })
    : form.camera !== 'none' && !images.image_tail
      ? t('create.slot.tailExclusive')
      : null
  const cameraOff =
    kind === 'image2video' && images.image_tail && !tailRefused ? t('create.cameraExclusive') : null
  return {
    caps,
    checked,
    help: fieldHelp(errors, touched || form.prompt !== ''),
    slotErrors,
    warnings,
    estimate: estimateUnits(kind, request, takes),
    slotsOff: tailOff ? { image_tail: tailOff } : {},
    cameraOff,
  }
}
