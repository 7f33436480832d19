import { mkdirSync, readFileSync, renameSync, watch, writeFileSync } from 'node:fs'
import { basename, dirname } from 'node:path'
import { sanitizeSettings, type Settings } from '../../shared/settings'

// Where settings live. The app uses electron-store (platform/electron-settings.ts); tests, the
// browser harness and the command line use this JSON file with the same name and shape. Another
// process may change the file (the command line's `budget`): `watch` tells the app, so the window
// shows what the file now says.

export interface SettingsStore {
  get(): Settings
  /** Applies an already-validated patch; returns the settings after it. */
  update(patch: Partial<Settings>): Settings
  /**
   * Calls `changed` when another process has changed the settings (not for this store's own
   * updates, nor for a file that does not parse); returns how to stop.
   */
  watch?(changed: (next: Settings) => void): () => void
}

/** How long a burst of file events is let settle before the file is read again. */
const SETTLE_MS = 50

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

  watch(changed: (next: Settings) => void): () => void {
    // The folder, not the file: a write replaces the file (a rename), which a watch on it misses.
    mkdirSync(dirname(this.path), { recursive: true })
    const name = basename(this.path)
    let timer: NodeJS.Timeout | undefined
    const reread = () => {
      let next: Settings
      try {
        next = sanitizeSettings(JSON.parse(readFileSync(this.path, 'utf8')))
      } catch {
        return // gone or half-written: what this store holds stands
      }
      if (JSON.stringify(next) === JSON.stringify(this.current)) return
      this.current = next
      changed(next)
    }
    const watcher = watch(dirname(this.path), (_, file) => {
      if (file !== null && file !== name) return
      clearTimeout(timer)
      timer = setTimeout(reread, SETTLE_MS)
    })
    watcher.on('error', () => {}) // the folder went: nothing more to watch
    return () => {
      clearTimeout(timer)
      watcher.close()
    }
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
