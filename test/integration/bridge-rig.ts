import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createBridge, type Api } from '../../src/shared/bridge'
import type { EventName, EventPayloads } from '../../src/shared/contract'
import type { Job } from '../../src/shared/jobs'
import { AppCore, type DesktopActions } from '../../src/main/app/app-core'
import { startEmulator, type Emulator } from '../../src/main/emulator/server'
import { eventSender, registerHandlers, type IpcEventLike } from '../../src/main/ipc/register'
import { Library } from '../../src/main/library/library'
import { MemorySecretStore } from '../../src/main/secrets/secret-store'
import { JsonSettingsStore } from '../../src/main/settings/settings-store'
import { APP_PAGE_URL as APP_URL, isPageUrl } from '../../src/main/platform/page-origins'
import { Ledger } from '../../src/main/tasks/ledger'
import { ipcTransport, type IpcRendererLike } from '../../src/preload/transport'

// The bridge end to end without Electron, for bridge.test.ts and bridge-jobs.test.ts: the real
// registerHandlers and the real preload transport and createBridge, joined by an in-memory IPC
// that structured-clones everything that crosses, as Electron does.

export { APP_URL }
export const KEY = 'sk-distinctive-bridge-4242'

export class LoopbackIpc {
  handlers = new Map<string, (event: IpcEventLike, input: unknown) => Promise<unknown>>()
  listeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>()
  frame: IpcEventLike['senderFrame'] = { url: APP_URL, parent: null }
  sent: unknown[] = []

  main = {
    handle: (
      channel: string,
      listener: (event: IpcEventLike, input: unknown) => Promise<unknown>,
    ) => {
      this.handlers.set(channel, listener)
    },
    removeHandler: (channel: string) => {
      this.handlers.delete(channel)
    },
  }

  renderer: IpcRendererLike = {
    invoke: async (channel, input) => {
      const handler = this.handlers.get(channel)
      if (!handler) throw new Error(`No handler registered for '${channel}'`)
      return structuredClone(await handler({ senderFrame: this.frame }, structuredClone(input)))
    },
    on: (channel, listener) => {
      let set = this.listeners.get(channel)
      if (!set) this.listeners.set(channel, (set = new Set()))
      set.add(listener)
    },
    removeListener: (channel, listener) => {
      this.listeners.get(channel)?.delete(listener)
    },
  }

  /** webContents.send: the listener gets an event object first, like ipcRenderer.on's. */
  send = (channel: string, payload: unknown) => {
    const copy = structuredClone(payload)
    this.sent.push(copy)
    for (const l of this.listeners.get(channel) ?? [])
      l({ sender: 'ipc-event-object', ports: [] }, copy)
  }
}

/** One test's app core behind the bridge, on a folder and an emulator of its own. */
export interface BridgeRig {
  dir: string
  emulator: Emulator
  ipc: LoopbackIpc
  core: AppCore
  api: Api
  actions: { calls: string[] } & DesktopActions
  secrets: MemorySecretStore
  /** What main's own confirm dialog answers (no, until a test says otherwise). */
  confirmAnswer: boolean
  close(): Promise<void>
}

export async function openBridge(): Promise<BridgeRig> {
  const dir = await mkdtemp(join(tmpdir(), 'kling-bridge-'))
  const emulator = await startEmulator({ timeScale: 600, seed: 4 })
  const ipc = new LoopbackIpc()
  const secrets = new MemorySecretStore()
  const calls: string[] = []
  const actions: BridgeRig['actions'] = {
    calls,
    reveal: (f) => void calls.push(`reveal ${f}`),
    open: async (f) => void calls.push(`open ${f}`),
    startDrag: (f) => void calls.push(`drag ${f}`),
    trash: async (f) => {
      calls.push(`trash ${f}`)
      await rm(f)
    },
    notify: (note) => void calls.push(`notify ${note.jobId} ${note.title}`),
    chooseImage: async () => null,
    chooseFolder: async (current) => (calls.push(`choose ${current}`), join(current, 'picked')),
    confirm: async (text) => (calls.push(`confirm ${text.message}`), rig.confirmAnswer),
  }
  const emit = eventSender(ipc.send)
  const core = new AppCore({
    ledger: new Ledger(join(dir, 'history.db')),
    library: new Library({ root: join(dir, 'library') }),
    secrets,
    settings: new JsonSettingsStore(join(dir, 'config.json')),
    actions,
    emit: <E extends EventName>(e: E, p: EventPayloads[E]) => emit(e, p),
    startEmulator: (o) => startEmulator({ ...o, timeScale: 600 }),
    info: { version: '0.0.0-test', platform: 'linux' },
    sandboxTimeScale: 600,
    // The library's queries through the built worker, as in the app.
    listWorker: resolve('out/main/list-worker.js'),
  })
  await core.start()
  registerHandlers(ipc.main, core.handlers(), (url) => isPageUrl(url, { packaged: true }))
  const api = createBridge(ipcTransport(ipc.renderer))
  const rig: BridgeRig = {
    dir,
    emulator,
    ipc,
    core,
    api,
    actions,
    secrets,
    confirmAnswer: false,
    close: async () => {
      await core.stop()
      await emulator.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
  return rig
}

/** The job once it reaches one of `states`, asked through the bridge. */
export async function waitForJob(api: Api, id: string, states: string[]): Promise<Job> {
  for (let i = 0; i < 600; i++) {
    const res = await api.tasks.get({ id })
    if (res.ok && states.includes(res.data.job.state)) return res.data.job
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`job ${id} never reached ${states.join('/')}`)
}
