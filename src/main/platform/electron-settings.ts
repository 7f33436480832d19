import Store from 'electron-store'
import {
  DEFAULT_SETTINGS,
  sanitizeSettings,
  SETTINGS_SCHEMA,
  type Settings,
} from '../../shared/settings'
import type { SettingsStore } from '../settings/settings-store'

/** Settings in electron-store: the same config.json in userData that the command line reads. */
export function openElectronSettings(): SettingsStore {
  const store = new Store<Settings>({
    name: 'config',
    defaults: DEFAULT_SETTINGS,
    schema: SETTINGS_SCHEMA as never,
    clearInvalidConfig: true,
    // The command line's `budget` writes the same file: its change reaches the window.
    watch: true,
  })
  return {
    get: () => sanitizeSettings(store.store),
    update: (patch) => {
      const next = sanitizeSettings({ ...store.store, ...patch })
      store.set(next)
      return next
    },
    // Also told of this process's own sets: the window hears settings.changed twice, harmlessly.
    watch: (changed) => store.onDidAnyChange((next) => next && changed(sanitizeSettings(next))),
  }
}
