import { useT } from '../../i18n'
import { ImageSlot } from './ImageSlot'
import { slotsOf, type ComposeKind, type DraftImages, type SlotKey } from './slots'
import './slots.css'

// The image slots of a kind: first and last frame side by side for image-to-video, a two by two
// grid of references for multi-image; nothing for text-to-video.

export interface SlotStatus {
  busy?: boolean
  error?: string
}

interface Props {
  kind: ComposeKind
  images: DraftImages
  status: Partial<Record<SlotKey, SlotStatus>>
  /** Validation errors by slot, and one for the whole list (too few images). */
  errors: Partial<Record<SlotKey | 'list', string>>
  off: Partial<Record<SlotKey, string>>
  onFile(slot: SlotKey, file: File, source: 'file' | 'paste'): void
  onRemove(slot: SlotKey): void
  onDismiss(slot: SlotKey): void
}

export function ImageSlots(props: Props): React.JSX.Element | null {
  const { kind, images, status, errors, off, onFile, onRemove, onDismiss } = props
  const t = useT()
  const slots = slotsOf(kind)
  if (slots.length === 0) return null
  const labelOf = (slot: SlotKey) =>
    slot.startsWith('list.')
      ? t('create.slot.list', { n: Number(slot.slice(5)) + 1 })
      : t(slot === 'image' ? 'create.slot.image' : 'create.slot.image_tail')
  const multi = kind === 'multi-image2video'

  return (
    <fieldset className="slots-field" aria-describedby="image-rules">
      <legend className={multi ? 'seg-legend' : 'sr-only'}>
        {multi ? t('create.images') : t('create.kind.image2video')}
      </legend>
      <div className={multi ? 'slots grid' : 'slots pair'}>
        {slots.map((slot) => (
          <ImageSlot
            key={slot}
            slot={slot}
            label={labelOf(slot)}
            optional={slot === 'image_tail' || slot === 'list.2' || slot === 'list.3'}
            image={images[slot]}
            busy={status[slot]?.busy === true}
            error={status[slot]?.error ?? errors[slot] ?? null}
            refused={Boolean(status[slot]?.error)}
            off={off[slot] ?? null}
            onFile={(file, source) => onFile(slot, file, source)}
            onRemove={() => onRemove(slot)}
            onDismiss={() => onDismiss(slot)}
          />
        ))}
      </div>
      {errors.list && (
        <p id="err-image_list" className="field-error">
          {errors.list}
        </p>
      )}
      <p id="image-rules" className="help">
        {t('create.imageRules')}
      </p>
    </fieldset>
  )
}
