import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Settings } from '../../src/shared/settings'
import { JsonSettingsStore } from '../../src/main/settings/settings-store'

// The settings file changed by another process (the command line's `budget`), as one store
// watching it sees it: the other's change once, never its own, and never a file that does not
// parse. Real files in a temporary folder; the watch is the operating system's.

let dir: string
let file: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-settings-watch-'))
  file = join(dir, 'config.json')
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms))

async function heardBy(store: JsonSettingsStore, act: () => Promise<void> | void) {
  const heard: Settings[] = []
  const stop = store.watch((next) => void heard.push(next))
  try {
    await act()
    await settle()
  } finally {
    stop()
  }
  return heard
}

describe('watching the settings file', () => {
  it("hears another store's change once, and holds it from then on", async () => {
    const app = new JsonSettingsStore(file)
    const heard = await heardBy(app, () => {
      new JsonSettingsStore(file).update({ budget: { ...app.get().budget, monthlyUnits: 120 } })
    })
    expect(heard.map((s) => s.budget.monthlyUnits)).toEqual([120])
    expect(app.get().budget.monthlyUnits).toBe(120)
  })

  it('does not hear its own change', async () => {
    const app = new JsonSettingsStore(file)
    expect(await heardBy(app, () => void app.update({ theme: 'dark' }))).toEqual([])
  })

  it('keeps what it holds when the file does not parse (half written, edited by hand)', async () => {
    const app = new JsonSettingsStore(file)
    app.update({ theme: 'light' })
    expect(await heardBy(app, () => writeFile(file, '{"theme": "da'))).toEqual([])
    expect(app.get().theme).toBe('light')
  })

  it('stops hearing once told to stop', async () => {
    const app = new JsonSettingsStore(file)
    const heard: Settings[] = []
    app.watch((next) => void heard.push(next))()
    new JsonSettingsStore(file).update({ theme: 'dark' })
    await settle()
    expect(heard).toEqual([])
  })
})
