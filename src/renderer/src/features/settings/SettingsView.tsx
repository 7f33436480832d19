import { useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { BudgetSection } from './BudgetSection'
import { DefaultsSection } from './DefaultsSection'
import { GeneralSection } from './GeneralSection'
import { KeySection } from './KeySection'
import './settings.css'

// Settings: the key, where requests go, the library folder, how the app runs and looks, what may
// be spent, and the options new videos start from. Every change applies at once.

export function SettingsView(): React.JSX.Element {
  const t = useT()
  const settings = useApp((s) => s.settings)
  const key = useApp((s) => s.key)
  const info = useApp((s) => s.info)

  if (!settings || !key) return <p>{t('common.loading')}</p>
  return (
    <section className="settings" aria-labelledby="settings-title">
      <h1 id="settings-title" tabIndex={-1}>
        {t('settings.title')}
      </h1>

      <KeySection />
      <GeneralSection settings={settings} />
      <BudgetSection settings={settings} />
      <DefaultsSection settings={settings} />
      {info && <p className="muted">{t('settings.about', { version: info.version })}</p>}
    </section>
  )
}
