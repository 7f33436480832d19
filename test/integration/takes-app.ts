import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Api } from '../../src/shared/bridge'
import type { EventName, EventPayloads } from '../../src/shared/contract'
import type { Job } from '../../src/shared/jobs'
import { AppCore } from '../../src/main/app/app-core'
import { startEmulator, type Emulator } from '../../src/main/emulator/server'
import type { FetchLike } from '../../src/main/kling/http'
import { Library } from '../../src/main/library/library'
import { MemorySecretStore } from '../../src/main/secrets/secret-store'
import { JsonSettingsStore } from '../../src/main/settings/settings-store'
import { Ledger } from '../../src/main/tasks/ledger'
import { bridgeTo, fakeDesktop, must } from '../fixtures/app-core'

// The app's services behind the real contract checks and bridge (as test/integration/bridge-rig.ts
// joins them, without its event plumbing), with a key, sending to an emulator on loopback, on a
// history on disk: what the takes and cancel tests run against.

export interface StudioUnderTest {
  api: Api
  core: AppCore
  ledger: Ledger
  emulator: Emulator
  /** Every event main sent, in order (structured-cloned, as the window would get it). */
  events: { name: EventName; payload: unknown }[]
  /** The job once it reaches one of these states (asked through the bridge). */
  until(id: string, states: string[]): Promise<Job>
  close(): Promise<void>
}

export interface StudioOptions {
  /** How the library fetches videos (a test holds a download with it); global fetch if left out. */
  libraryFetch?: FetchLike
  /** Every video moved to the trash, in order. */
  trashed?: string[]
}

export async function openStudio(options: StudioOptions = {}): Promise<StudioUnderTest> {
  const dir = await mkdtemp(join(tmpdir(), 'kling-takes-'))
  const emulator = await startEmulator({ timeScale: 600, seed: 10 })
  const ledger = new Ledger(join(dir, 'history.db'))
  const events: StudioUnderTest['events'] = []
  const core = new AppCore({
    ledger,
    library: new Library({ root: join(dir, 'library'), fetch: options.libraryFetch }),
    secrets: new MemorySecretStore(),
    settings: new JsonSettingsStore(join(dir, 'config.json')),
    actions: fakeDesktop({ trashed: options.trashed }),
    emit: <E extends EventName>(name: E, payload: EventPayloads[E]) =>
      void events.push({ name, payload: structuredClone(payload) }),
    startEmulator: (o) => startEmulator({ ...o, timeScale: 600 }),
    info: { version: '0.0.0-test', platform: 'linux' },
    sandboxTimeScale: 600,
  })
  await core.start()
  const api = bridgeTo(core)
  await must(api.key.set({ key: 'sk-takes-and-cancel-7788' }))
  await must(api.settings.update({ baseUrl: emulator.url }))

  return {
    api,
    core,
    ledger,
    emulator,
    events,
    async until(id, states) {
      for (let i = 0; i < 1_000; i++) {
        const res = await api.tasks.get({ id })
        if (res.ok && states.includes(res.data.job.state)) return res.data.job
        await new Promise((r) => setTimeout(r, 20))
      }
      throw new Error(`job ${id} never reached ${states.join('/')}`)
    },
    async close() {
      await core.stop()
      await emulator.close()
      ledger.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
