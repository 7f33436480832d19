import type { KeyStatus } from '../../../../shared/contract'
import { useT, type Translate } from '../../i18n'

// Whether a key is set (its last four characters at most) and where it is kept, with main's
// warning when that place is a weak one.

/** Main's warning about where the key is kept, in the person's language where it is a known one. */
function storageWarning(t: Translate, key: KeyStatus): string {
  if (key.storage === 'memory') return t('prefs.warnMemory')
  if (key.storage === 'safe-storage')
    return t(key.warning?.includes('basic_text') ? 'prefs.warnBasicText' : 'prefs.warnSafeStorage')
  return key.warning ?? ''
}

export function KeySummary({ keyStatus: key }: { keyStatus: KeyStatus }): React.JSX.Element {
  const t = useT()
  return (
    <>
      <p>
        {key.set
          ? key.last4
            ? t('settings.keySet', { last4: key.last4 })
            : t('settings.keySetNoHint')
          : t('settings.keyNone')}{' '}
        {key.set && t(`settings.keyStorage.${key.storage}`)}
      </p>
      {key.warning && <p className="warning">{storageWarning(t, key)}</p>}
    </>
  )
}
