// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LOOK_KEY } from '../../src/shared/first-look'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'
import type { AppInfo, KeyStatus } from '../../src/shared/contract'
import { useFirstRun } from '../../src/renderer/src/features/welcome/first-run'
import { useLanguage } from '../../src/renderer/src/i18n'
import { lookOf, rememberLook } from '../../src/renderer/src/remember-look'
import { useApp } from '../../src/renderer/src/stores/app'

// What the page keeps for index.html's first script (shared/first-look.ts): the language and theme
// shown, and whether the window opens on Create, written as they change and never before main has
// answered.

const INFO: AppInfo = {
  version: '1',
  platform: 'linux',
  sandbox: false,
  sandboxReason: null,
  libraryFolder: '/l',
  mediaBase: 'media://video/',
  posterBase: 'media://poster/',
}
const KEY: KeyStatus = { set: true, last4: '0001', storage: 'keychain', warning: null }
const NO_KEY: KeyStatus = { ...KEY, set: false, last4: null }
const kept = () => JSON.parse(localStorage.getItem(LOOK_KEY) ?? 'null') as unknown

let stop: () => void = () => {}
beforeEach(() => {
  localStorage.clear()
  useApp.setState({ ready: false, info: null, settings: null, key: null })
  useFirstRun.setState({ done: false, holding: false })
  useLanguage.setState({ language: 'en' })
})
afterEach(() => stop())

describe('remembering the look', () => {
  it('says nothing until main has answered, then the language, theme and first view', () => {
    const run = { done: false, holding: false }
    expect(lookOf({ ready: false, info: null, settings: null, key: null }, 'en', run)).toBeNull()
    const app = { ready: true, info: INFO, settings: DEFAULT_SETTINGS, key: KEY }
    expect(lookOf(app, 'id', run)).toEqual({ language: 'id', theme: 'system', create: true })
    // No key and no path picked: the welcome screen comes first.
    expect(lookOf({ ...app, key: NO_KEY }, 'en', run)?.create).toBe(false)
    // A path picked once: Create again, key or not; but sandbox mode's banner is not in the picture.
    expect(lookOf({ ...app, key: NO_KEY }, 'en', { ...run, done: true })?.create).toBe(true)
    const sandbox = { ...INFO, sandbox: true, sandboxReason: 'setting' as const }
    expect(lookOf({ ...app, info: sandbox }, 'en', run)?.create).toBe(false)
    const problem = { kind: 'damaged' as const, message: 'x', file: '/h.db' }
    expect(lookOf({ ...app, info: { ...INFO, historyProblem: problem } }, 'en', run)?.create).toBe(
      false,
    )
  })

  it('writes as the page learns and changes, and shrugs off a storage that refuses', () => {
    stop = rememberLook()
    expect(kept()).toBeNull()
    useApp.setState({ ready: true, info: INFO, settings: DEFAULT_SETTINGS, key: KEY })
    expect(kept()).toEqual({ language: 'en', theme: 'system', create: true })
    useApp.setState({ settings: { ...DEFAULT_SETTINGS, theme: 'dark' } })
    useLanguage.setState({ language: 'id' })
    expect(kept()).toEqual({ language: 'id', theme: 'dark', create: true })
    stop()

    const refusing = {
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError')
      },
    } as unknown as Storage
    stop = rememberLook(refusing)
    expect(() => useApp.setState({ settings: DEFAULT_SETTINGS })).not.toThrow()
  })
})
