import { useState } from 'react'
import { useT } from '../../i18n'
import { imageFileOf } from './image-input'
import type { DraftImage, SlotKey } from './slots'
import { SlotPicker } from './SlotPicker'
import { SlotPicture } from './SlotPicture'

// One image slot: empty, it takes a file from the picker, a drop or (through the composer) a
// paste; full, it shows the picture, its size facts and a remove button. Main's refusal, or
// why the chosen options leave this slot out, is said under it; after a refusal the person says
// how to go on (another image, or the slot as it is), and Generate waits until then.

interface Props {
  slot: SlotKey
  label: string
  optional?: boolean
  image: DraftImage | undefined
  busy: boolean
  error: string | null
  /** The error is main's refusal of an image just brought (not a rule of the request). */
  refused: boolean
  /** Why this slot is not sent with the chosen options (shown, and the picker disabled). */
  off: string | null
  onFile(file: File, source: 'file' | 'paste'): void
  onRemove(): void
  onDismiss(): void
}

/** What is said under a slot: checking, main's refusal (and how to go on), why it is off. */
function SlotNotes(props: Props & { id: string }) {
  const { id, image, busy, error, refused, off, onDismiss } = props
  const t = useT()
  return (
    <>
      {busy && (
        <p className="slot-status" role="status">
          {t('create.slot.checking')}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
      {error && refused && (
        <button
          type="button"
          className="ghost small slot-dismiss"
          aria-describedby={`${id}-error`}
          onClick={onDismiss}
        >
          {image ? t('create.slot.keep') : t('create.slot.leaveEmpty')}
        </button>
      )}
      {off && (
        <p id={`${id}-off`} className="help">
          {off}
        </p>
      )}
    </>
  )
}

export function ImageSlot(props: Props): React.JSX.Element {
  const { slot, label, optional, image, busy, error, off, onFile, onRemove } = props
  const t = useT()
  const [over, setOver] = useState(false)
  const id = `slot-${slot}`
  const described =
    [error ? `${id}-error` : '', off ? `${id}-off` : ''].filter(Boolean).join(' ') || undefined

  return (
    <div
      className={`slot${over ? ' over' : ''}${off ? ' off' : ''}${error ? ' bad' : ''}`}
      data-slot={slot}
      aria-busy={busy || undefined}
      onDragOver={(e) => {
        if (off || !e.dataTransfer.types.includes('Files')) return
        e.preventDefault()
        setOver(true)
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        setOver(false)
        const file = imageFileOf(e.dataTransfer)
        if (off || !file) return
        e.preventDefault()
        onFile(file, 'file')
      }}
    >
      <div className="slot-head">
        <span className="slot-label">{label}</span>
        {optional && <span className="slot-optional">{t('create.slot.optional')}</span>}
      </div>
      {image ? (
        <SlotPicture
          id={id}
          label={label}
          image={image}
          describedBy={described}
          onRemove={onRemove}
        />
      ) : (
        <SlotPicker
          id={id}
          label={label}
          disabled={Boolean(off) || busy}
          invalid={Boolean(error)}
          describedBy={described}
          onFile={(file) => onFile(file, 'file')}
        />
      )}
      <SlotNotes id={id} {...props} />
    </div>
  )
}
