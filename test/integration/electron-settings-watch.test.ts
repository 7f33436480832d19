import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import type { Settings } from '../../src/shared/settings'
import { JsonSettingsStore } from '../../src/main/settings/settings-store'

// The app's settings store (platform/electron-settings.ts) is the real electron-store and conf, on
// a real file; only Electron's app (where userData is) is stood in for. The command line's
// `budget` (the JSON store, writing a new file and renaming it over the old) changes the caps:
// the app's store hears it, and reads the new caps.

const data = await vi.hoisted(async () => {
  const [fs, os, path] = await Promise.all([
    import('node:fs/promises'),
    import('node:os'),
    import('node:path'),
  ])
  return fs.mkdtemp(path.join(os.tmpdir(), 'kling-electron-settings-'))
})
vi.mock('electron', () => {
  const electron = {
    app: { getPath: () => data, getVersion: () => '0.0.0-test' },
    ipcMain: { on: () => {} },
    shell: {},
  }
  return { default: electron, ...electron }
})

afterAll(() => rmSync(data, { recursive: true, force: true }))

const until = async (check: () => boolean, ms = 5_000) => {
  for (const start = Date.now(); Date.now() - start < ms;)
    if (check()) return
    else await new Promise((r) => setTimeout(r, 50))
}

describe("the app's settings store", () => {
  it('hears the caps another process writes into its file', async () => {
    const { openElectronSettings } = await import('../../src/main/platform/electron-settings')
    const app = openElectronSettings()
    app.update({ theme: 'dark' })
    const heard: Settings[] = []
    const stop = app.watch!((next) => void heard.push(next))
    try {
      const cli = new JsonSettingsStore(join(data, 'config.json'))
      expect(cli.get().theme).toBe('dark')
      cli.update({ budget: { ...cli.get().budget, dailyUnits: 11 } })
      await until(() => heard.some((s) => s.budget.dailyUnits === 11))
      expect(heard.at(-1)!.budget.dailyUnits).toBe(11)
      expect(app.get().budget.dailyUnits).toBe(11)
      // And again: the file the first write renamed into place is watched too.
      cli.update({ budget: { ...cli.get().budget, dailyUnits: 12 } })
      await until(() => heard.some((s) => s.budget.dailyUnits === 12))
      expect(heard.at(-1)!.budget.dailyUnits).toBe(12)
    } finally {
      stop()
    }
  }, 15_000)
})
