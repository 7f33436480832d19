import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { AppCore } from '../../src/main/app/app-core'
import { startEmulator } from '../../src/main/emulator/server'
import { Library } from '../../src/main/library/library'
import type { SecretStore } from '../../src/main/secrets/secret-store'
import { JsonSettingsStore } from '../../src/main/settings/settings-store'
import { Ledger } from '../../src/main/tasks/ledger'
import { fakeDesktop } from '../fixtures/app-core'

// The window opens before the app has read the key from the keychain (a read that can take a
// moment, or wait on the person). Its first calls, whether a key is set and whether the app runs
// in sandbox mode (which follows from it), wait for that read instead of answering "no key" and
// showing a person who has one the welcome screen.

const KEY = 'sk-key-load-test-93f1'

/** A keychain whose first read answers only when told to; counts its reads. */
function slowKeychain(stored: string | null) {
  let answer!: (value: string | null) => void
  let fail!: (error: Error) => void
  const store: SecretStore & { reads: number } = {
    kind: 'keychain',
    warning: null,
    reads: 0,
    get: () => {
      store.reads++
      return new Promise((resolve, reject) => ((answer = resolve), (fail = reject)))
    },
    set: async (value) => void (stored = value),
    clear: async () => void (stored = null),
  }
  return { store, release: () => answer(stored), fail: (e: Error) => fail(e) }
}

let dir: string
const open: { close(): void }[] = []
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-key-load-'))
})
afterEach(async () => {
  for (const o of open.splice(0)) o.close()
  await rm(dir, { recursive: true, force: true })
})

function core(secrets: SecretStore): AppCore {
  const ledger = new Ledger(join(dir, 'history.db'))
  open.push(ledger)
  return new AppCore({
    ledger,
    library: new Library({ root: join(dir, 'library') }),
    secrets,
    settings: new JsonSettingsStore(join(dir, 'config.json')),
    actions: fakeDesktop(),
    emit: () => {},
    startEmulator,
    info: { version: 't', platform: 'linux' },
  })
}

/** Whether a promise has settled by the time everything already queued has run. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false
  void p.then(
    () => (done = true),
    () => (done = true),
  )
  await new Promise((r) => setTimeout(r, 20))
  return done
}

it('key.status and app.info asked before the keychain answers wait for it, then say "a key"', async () => {
  const keychain = slowKeychain(KEY)
  const app = core(keychain.store)
  const h = app.handlers()
  const status = Promise.resolve(h['key.status']())
  const info = Promise.resolve(h['app.info']())
  // The app starting reads the key too: the same read, not a second one.
  const started = app.keys.load()
  expect(await settled(status)).toBe(false)
  expect(await settled(info)).toBe(false)
  keychain.release()
  await started
  expect(await status).toMatchObject({ set: true, last4: KEY.slice(-4) })
  expect(await info).toMatchObject({ sandbox: false, sandboxReason: null })
  expect(keychain.store.reads).toBe(1)
})

it('a key set while the keychain is read is the one kept', async () => {
  const keychain = slowKeychain(null)
  const app = core(keychain.store)
  const h = app.handlers()
  const status = Promise.resolve(h['key.status']())
  await h['key.set']({ key: KEY })
  keychain.release()
  expect(await status).toMatchObject({ set: true, last4: KEY.slice(-4) })
})

it('a keychain that fails to answer: the calls answer with what is known (no key)', async () => {
  const keychain = slowKeychain(KEY)
  const app = core(keychain.store)
  const h = app.handlers()
  const status = Promise.resolve(h['key.status']())
  const info = Promise.resolve(h['app.info']())
  keychain.fail(new Error('the keychain is locked'))
  expect(await status).toMatchObject({ set: false })
  expect(await info).toMatchObject({ sandbox: true, sandboxReason: 'no_key' })
})
