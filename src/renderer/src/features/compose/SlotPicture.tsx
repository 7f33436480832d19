import { useT } from '../../i18n'
import type { DraftImage } from './slots'

// A full image slot: the picture (or, for an image loaded by name from an earlier request, its
// name), its size facts, and the button that takes it out.

function sizeText(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

export function factsOf(image: DraftImage): string {
  const parts: string[] = []
  if (image.width && image.height) parts.push(`${image.width} × ${image.height}`)
  if (image.format) parts.push(image.format === 'png' ? 'PNG' : 'JPG')
  if (image.bytes) parts.push(sizeText(image.bytes))
  return parts.join(' · ')
}

interface Props {
  id: string
  label: string
  image: DraftImage
  describedBy?: string
  onRemove(): void
}

export function SlotPicture({ id, label, image, describedBy, onRemove }: Props) {
  const t = useT()
  return (
    <div className="slot-full">
      {image.thumb ? (
        <img src={image.thumb} alt={t('create.slot.preview', { slot: label })} />
      ) : (
        <span className="slot-name mono" title={image.ref}>
          {t('create.slot.byName', { name: image.ref.slice(0, 18) + '…' })}
        </span>
      )}
      <span className="slot-facts">{factsOf(image)}</span>
      <button
        id={id}
        type="button"
        className="ghost slot-remove"
        aria-label={t('create.slot.remove', { slot: label })}
        aria-describedby={describedBy}
        onClick={onRemove}
      >
        ×
      </button>
    </div>
  )
}
