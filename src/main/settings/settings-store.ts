import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { sanitizeSettings, type Settings } from '../../shared/settings'

// Where settings live. The app uses electron-store (platform/electron-settings.ts); tests, the
// browser harness and the command line use this JSON file with the same name and shape.

export interface SettingsStore {
  get(): Settings
  /** Applies an already-validated patch; returns the settings after it. */
  update(patch: Partial<Settings>): Settings
}

export class JsonSettingsStore implements SettingsStore {
  private current: Settings

  constructor(private readonly path: string) {
    let raw: unknown = {}
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'))
    } catch {
      // Missing or unreadable: defaults, and the next update writes a good file.
    }
    this.current = sanitizeSettings(raw)
  }

  get(): Settings {
    return this.current
  }

  update(patch: Partial<Settings>): Settings {
    this.current = sanitizeSettings({ ...this.current, ...patch })
    mkdirSync(dirname(this.path), { recursive: true })
    const tmp = `${this.path}.tmp`
    writeFileSync(tmp, `${JSON.stringify(this.current, null, 2)}\n`)
    renameSync(tmp, this.path)
    return this.current
  }
}
