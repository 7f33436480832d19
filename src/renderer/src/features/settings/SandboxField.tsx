import { useT, type MessageKey } from '../../i18n'
import { useApp } from '../../stores/app'
import { saveSettings } from './save'

// Sandbox mode as it is, not only as chosen: with no key it is on whatever the setting says, so
// the box is ticked and locked then, and the line under it says why.

export function SandboxField(): React.JSX.Element | null {
  const t = useT()
  const settings = useApp((s) => s.settings)
  const info = useApp((s) => s.info)
  const keySet = useApp((s) => s.key?.set ?? false)
  if (!settings) return null

  // Main's word when it has one; the same rule (choice first, then no key) until it answers.
  const reason = info
    ? info.sandboxReason
    : settings.sandboxMode
      ? 'setting'
      : keySet
        ? null
        : 'no_key'
  const forced = reason === 'no_key'
  const why: MessageKey = forced
    ? 'prefs.sandboxNoKey'
    : reason === 'setting'
      ? keySet
        ? 'prefs.sandboxChosen'
        : 'prefs.sandboxChosenNoKey'
      : 'prefs.sandboxOff'

  return (
    <>
      <span />
      <label className="inline">
        <input
          type="checkbox"
          checked={reason !== null}
          disabled={forced}
          aria-describedby="sandbox-why"
          onChange={(e) => void saveSettings({ sandboxMode: e.target.checked }, t)}
        />{' '}
        {t('settings.sandbox')}
      </label>
      <p id="sandbox-why" className="help under-control">
        {t(why)}
      </p>
    </>
  )
}
