import { useT } from '../../i18n'

// The row that sets a key, or replaces the one set: a password field and its button, which stays
// off until the field holds something that could be a key.

export function NewKeyForm({
  value,
  onChange,
  onSave,
  replacing,
}: {
  value: string
  onChange: (value: string) => void
  onSave: () => void
  replacing: boolean
}): React.JSX.Element {
  const t = useT()
  return (
    <form
      className="input-row"
      onSubmit={(e) => {
        e.preventDefault()
        onSave()
      }}
    >
      <label htmlFor="new-key" className="sr-only">
        {t('settings.newKey')}
      </label>
      <input
        id="new-key"
        type="password"
        autoComplete="off"
        spellCheck={false}
        placeholder={t('settings.newKey')}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      <button type="submit" className="primary" disabled={value.trim().length < 8}>
        {replacing ? t('settings.replaceKey') : t('settings.saveKey')}
      </button>
    </form>
  )
}
