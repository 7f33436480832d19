import { useT } from '../../i18n'

// An empty image slot: the file picker (a real <input type=file>, so the window holds the bytes),
// and the reminder that a drop or a paste works too.

interface Props {
  id: string
  label: string
  disabled: boolean
  invalid: boolean
  describedBy?: string
  onFile(file: File): void
}

export function SlotPicker({ id, label, disabled, invalid, describedBy, onFile }: Props) {
  const t = useT()
  return (
    <div className="slot-empty">
      <label className={`slot-choose${disabled ? ' disabled' : ''}`}>
        <input
          id={id}
          type="file"
          className="sr-only"
          accept="image/png,image/jpeg"
          disabled={disabled}
          aria-label={t('create.slot.chooseFor', { slot: label })}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          onChange={(e) => {
            const file = e.target.files?.[0]
            // Cleared, so choosing the same file again (after removing it) is seen.
            e.target.value = ''
            if (file) onFile(file)
          }}
        />
        {t('create.slot.choose')}
      </label>
      <span className="slot-hint">{t('create.slot.hint')}</span>
    </div>
  )
}
