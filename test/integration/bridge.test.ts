import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createBridge, type Api } from '../../src/shared/bridge'
import { CALLS, channelFor, type EventName, type EventPayloads } from '../../src/shared/contract'
import type { Job } from '../../src/shared/jobs'
import { AppCore, type DesktopActions } from '../../src/main/app/app-core'
import { startEmulator, type Emulator } from '../../src/main/emulator/server'
import { eventSender, registerHandlers, type IpcEventLike } from '../../src/main/ipc/register'
import { Library } from '../../src/main/library/library'
import { handleMediaRequest } from '../../src/main/library/media-handler'
import { MemorySecretStore } from '../../src/main/secrets/secret-store'
import { JsonSettingsStore } from '../../src/main/settings/settings-store'
import { APP_PAGE_URL as APP_URL, isPageUrl } from '../../src/main/platform/page-origins'
import { Ledger } from '../../src/main/tasks/ledger'
import { ipcTransport, type IpcRendererLike } from '../../src/preload/transport'

// The bridge end to end without Electron: the real registerHandlers and the real preload
// transport and createBridge, joined by an in-memory IPC that structured-clones everything that
// crosses, as Electron does.

const KEY = 'sk-distinctive-bridge-4242'

class LoopbackIpc {
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

let dir: string
let emulator: Emulator
let ipc: LoopbackIpc
let core: AppCore
let api: Api
let actions: { calls: string[] } & DesktopActions
let secrets: MemorySecretStore
let confirmAnswer = false

beforeEach(async () => {
  confirmAnswer = false
  dir = await mkdtemp(join(tmpdir(), 'kling-bridge-'))
  emulator = await startEmulator({ timeScale: 600, seed: 4 })
  ipc = new LoopbackIpc()
  secrets = new MemorySecretStore()
  const calls: string[] = []
  actions = {
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
    confirm: async (text) => (calls.push(`confirm ${text.message}`), confirmAnswer),
  }
  const emit = eventSender(ipc.send)
  core = new AppCore({
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
  api = createBridge(ipcTransport(ipc.renderer))
})

afterEach(async () => {
  await core.stop()
  await emulator.close()
  await rm(dir, { recursive: true, force: true })
})

async function untilJob(id: string, states: string[]): Promise<Job> {
  for (let i = 0; i < 600; i++) {
    const res = await api.tasks.get({ id })
    if (res.ok && states.includes(res.data.job.state)) return res.data.job
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`job ${id} never reached ${states.join('/')}`)
}

describe('the bridge', () => {
  it('exposes exactly the contract as named functions, frozen', () => {
    const names = Object.keys(CALLS).map((n) => n.split('.'))
    for (const [group, method] of names)
      expect(
        typeof (api as unknown as Record<string, Record<string, unknown>>)[group!]![method!],
      ).toBe('function')
    expect(Object.keys(api).sort()).toEqual([...new Set(names.map(([g]) => g!)), 'on'].sort())
    expect(Object.isFrozen(api)).toBe(true)
    expect(Object.isFrozen(api.tasks)).toBe(true)
    expect(ipc.handlers.size).toBe(Object.keys(CALLS).length)
    for (const name of Object.keys(CALLS))
      expect(ipc.handlers.has(channelFor(name as keyof typeof CALLS))).toBe(true)
  })

  it('round-trips calls in envelopes', async () => {
    const info = await api.app.info()
    expect(info).toEqual({
      ok: true,
      data: expect.objectContaining({
        version: '0.0.0-test',
        sandbox: true,
        sandboxReason: 'no_key',
      }),
    })
    expect(await api.key.status()).toEqual({
      ok: true,
      data: { set: false, last4: null, storage: 'memory', warning: null },
    })
    const set = await api.key.set({ key: KEY })
    expect(set).toEqual({
      ok: true,
      data: { set: true, last4: '4242', storage: 'memory', warning: null },
    })
    expect(await secrets.get()).toBe(KEY)
    const settings = await api.settings.update({ concurrency: 5, theme: 'dark' })
    expect(settings.ok && settings.data.concurrency).toBe(5)
    expect(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'))).toMatchObject({
      concurrency: 5,
      theme: 'dark',
    })
    const info2 = await api.app.info()
    expect(info2.ok && info2.data.sandbox).toBe(false)
  })

  it('answers invalid input with an invalid_input envelope, never a throw', async () => {
    const empty = await api.tasks.create({ request: { prompt: '' } })
    expect(empty).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/prompt/) },
    })
    const ratio = await api.tasks.create({ request: { prompt: 'x', aspect_ratio: '5:4' as never } })
    expect(!ratio.ok && ratio.error.message).toMatch(/aspect_ratio must be one of/)
    const traversal = await api.tasks.get({ id: '../../etc/passwd' })
    expect(!traversal.ok && traversal.error.code).toBe('invalid_input')
    const badSetting = await api.settings.update({ concurrency: 99 })
    expect(!badSetting.ok && badSetting.error.message).toMatch(
      /concurrency must be a whole number from 1 to 10/,
    )
    const unknown = await api.settings.update({ colour: 'red' } as never)
    expect(!unknown.ok && unknown.error.message).toMatch(/unknown setting/)
    const missing = await api.tasks.get({ id: 'no-such-job' })
    expect(missing).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'No job no-such-job' },
    })
    // Restart calls only the app process answers: where it is not (this core alone), said plainly.
    expect(await api.app.restart()).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'app.restart is not available here' },
    })
    const shortKey = await api.key.set({ key: 'abc' })
    expect(!shortKey.ok && shortKey.error.code).toBe('invalid_input')
    expect(await secrets.get()).toBeNull()
  })

  it('refuses a foreign sender and a sub-frame', async () => {
    ipc.frame = { url: 'https://evil.example/', parent: null }
    expect(await api.app.info()).toEqual({
      ok: false,
      error: { code: 'forbidden', message: expect.any(String) },
    })
    ipc.frame = { url: APP_URL, parent: {} }
    expect(await api.key.set({ key: KEY })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    })
    ipc.frame = null
    expect(await api.app.info()).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await secrets.get()).toBeNull()
  })

  it('delivers events as the payload alone, and unsubscribes', async () => {
    const seen: unknown[][] = []
    const off = api.on('settings.changed', (...args: unknown[]) => seen.push(args))
    await api.settings.update({ notifications: false })
    expect(seen).toHaveLength(1)
    expect(seen[0]).toHaveLength(1)
    expect(seen[0]![0]).toMatchObject({ notifications: false })
    expect(JSON.stringify(seen)).not.toContain('ipc-event-object')
    off()
    await api.settings.update({ notifications: true })
    expect(seen).toHaveLength(1)
    expect(ipc.listeners.get('kling:event:settings.changed')?.size ?? 0).toBe(0)
    expect(() => api.on('nonsense' as never, () => {})).toThrow(/unknown event/)
  })

  it('runs the sandbox path without a key: create, watch updates, a saved video', async () => {
    const updates: Job[] = []
    api.on('tasks.updated', (job) => updates.push(job))
    const created = await api.tasks.create({
      request: { prompt: 'a sandbox lighthouse', aspect_ratio: '9:16' },
    })
    expect(created.ok && created.data).toHaveLength(1)
    const job = created.ok ? created.data[0]! : null
    expect(job!.groupId).toBeNull()
    expect(job!.sandbox).toBe(true)
    const done = await untilJob(job!.id, ['done', 'failed'])
    expect(done.state).toBe('done')
    expect(done.saved).toBe(true)
    const states = updates.filter((u) => u.id === job!.id).map((u) => u.state)
    expect(states).toEqual(expect.arrayContaining(['creating', 'submitted', 'downloading', 'done']))
    const revisions = updates.map((u) => u.revision)
    expect([...revisions].sort((a, b) => a - b)).toEqual(revisions)
    expect(JSON.stringify(updates)).not.toMatch(/library|\.mp4"/)
    expect(core.fileFor(job!.id)).toContain(join('library', 'Sandbox'))
    expect(actions.calls).toContain(`notify ${job!.id} Video ready`)

    // Only an unconfirmed create can be sent again; a finished one is refused, with the reason.
    const resend = await api.tasks.resend({ id: job!.id })
    expect(resend.ok ? null : resend.error.code).toBe('invalid_state')

    await api.library.startDrag({ id: job!.id })
    expect(actions.calls.some((c) => c.startsWith('drag ') && c.endsWith('.mp4'))).toBe(true)
    const list = await api.tasks.list({ sandbox: true })
    expect(list.ok && list.data.total).toBe(1)
    expect((await api.tasks.list({ sandbox: false })).ok).toBe(true)

    await api.library.delete({ id: job!.id })
    expect(actions.calls.filter((c) => c.startsWith('trash '))).toHaveLength(2)
    expect(
      (await readdir(join(dir, 'library', 'Sandbox'))).filter((n) => !n.startsWith('.')),
    ).toEqual([])
  })

  it('notifies in the language of the settings, and offers the folder picker at the library', async () => {
    await api.settings.update({ language: 'id' })
    const created = await api.tasks.create({ request: { prompt: 'sebuah mercusuar [fail]' } })
    if (!created.ok) throw new Error(created.error.message)
    await untilJob(created.data[0]!.id, ['failed'])
    expect(actions.calls).toContain(`notify ${created.data[0]!.id} Pembuatan video gagal`)
    const picked = await api.library.chooseFolder()
    expect(picked).toEqual({ ok: true, data: join(dir, 'library', 'picked') })
    expect(actions.calls).toContain(`choose ${join(dir, 'library')}`)
  })

  it('a new library folder applies at once, and videos saved before stay playable', async () => {
    const make = async (prompt: string) => {
      const created = await api.tasks.create({ request: { prompt } })
      if (!created.ok) throw new Error(created.error.message)
      return untilJob(created.data[0]!.id, ['done', 'failed'])
    }
    const first = await make('a harbour before the switch')
    const elsewhere = join(dir, 'elsewhere')
    const updated = await api.settings.update({ libraryFolder: elsewhere })
    expect(updated.ok).toBe(true)
    const info = await api.app.info()
    expect(info.ok && info.data.libraryFolder).toBe(elsewhere)
    const second = await make('a harbour after the switch')
    expect(second.state).toBe('done')
    expect(core.fileFor(second.id)!.startsWith(join(elsewhere, 'Sandbox'))).toBe(true)
    expect(core.fileFor(first.id)!.startsWith(join(dir, 'library'))).toBe(true)

    const play = (id: string, roots: string[]) =>
      handleMediaRequest(new Request(`media://video/${id}`), {
        roots,
        fileFor: (jobId) => core.fileFor(jobId),
      })
    expect((await play(first.id, core.mediaRoots())).status).toBe(200)
    expect((await play(second.id, core.mediaRoots())).status).toBe(200)
    // After a restart the history still knows the first folder.
    const reopened = new Ledger(join(dir, 'history.db'))
    expect(reopened.libraryRoots()).toEqual([join(dir, 'library'), elsewhere])
    reopened.close()
  })

  it('refuses what the page may not decide: where the key goes, a whole disk, a bad re-run', async () => {
    for (const baseUrl of ['http://api.example.com', 'https://api.cometapi.com@evil.example']) {
      const res = await api.settings.update({ baseUrl })
      expect(res.ok ? null : res.error.code).toBe('invalid_input')
    }
    const root = await api.settings.update({ libraryFolder: '/' })
    expect(root.ok ? null : root.error.message).toMatch(/not a whole disk or the home folder/)
    const created = await api.tasks.create({ request: { prompt: 'a heron' } })
    if (!created.ok) throw new Error(created.error.message)
    for (const changes of [
      { prompt: 42 },
      { duration: '7' },
      { callback_url: 'file:///etc/passwd' },
    ]) {
      const rerun = await api.tasks.rerun({ id: created.data[0]!.id, changes } as never)
      expect(rerun.ok ? null : rerun.error.code).toBe('invalid_input')
    }
    expect((await api.key.set({ key: 'sk-with-nul\u0000-inside' })).ok).toBe(false)
  })

  it('runs the real path with a key against the configured service, and tests the key', async () => {
    await api.key.set({ key: KEY })
    // A new address for the key is the person's call, asked in main's own dialog.
    const refused = await api.settings.update({ baseUrl: emulator.url })
    expect(refused).toMatchObject({ ok: false, error: { code: 'cancelled' } })
    expect(actions.calls).toContain(
      `confirm Send your CometAPI key to ${new URL(emulator.url).host}?`,
    )
    expect((await api.settings.get()).ok && (await api.settings.get())).toMatchObject({
      data: { baseUrl: 'https://api.cometapi.com' },
    })
    confirmAnswer = true
    expect((await api.settings.update({ baseUrl: emulator.url })).ok).toBe(true)
    expect(await api.key.test()).toMatchObject({ ok: true, data: { valid: true } })
    const created = await api.tasks.create({
      request: { prompt: 'a real beach', external_task_id: 'ks-bridge-1' },
    })
    expect(created.ok && created.data.map((j) => j.sandbox)).toEqual([false])
    const done = await untilJob(created.ok ? created.data[0]!.id : '', ['done', 'failed'])
    expect(done).toMatchObject({ state: 'done', externalTaskId: 'ks-bridge-1', sandbox: false })
    expect(emulator.tasks()).toHaveLength(1)
    const dup = await api.tasks.create({
      request: { prompt: 'again', external_task_id: 'ks-bridge-1' },
    })
    expect(!dup.ok && dup.error.message).toMatch(/already used/)
    // The key never crossed to the page, in any answer or event.
    expect(JSON.stringify(ipc.sent)).not.toContain(KEY)
    expect(JSON.stringify(await api.key.status())).not.toContain(KEY)

    const strict = await startEmulator({ key: 'sk-some-other-key' })
    try {
      await api.settings.update({ baseUrl: strict.url })
      const test = await api.key.test()
      expect(test).toMatchObject({ ok: true, data: { valid: false } })
      expect(test.ok && test.data.requestId).toBeTruthy()
    } finally {
      await strict.close()
    }
  })

  it(
    'a job keeps its address: after a change in Settings it is followed where it was sent, and new jobs go to the new one',
    { timeout: 60_000 },
    async () => {
      await api.key.set({ key: KEY })
      confirmAnswer = true
      const slow = await startEmulator({ timeScale: 60, seed: 8 })
      const next = await startEmulator({ timeScale: 600, seed: 9 })
      try {
        expect((await api.settings.update({ baseUrl: slow.url })).ok).toBe(true)
        const first = await api.tasks.create({ request: { prompt: 'sent to the first address' } })
        if (!first.ok) throw new Error(first.error.message)
        const running = await untilJob(first.data[0]!.id, ['submitted', 'processing'])
        expect(running.baseUrl).toBe(slow.url)
        expect((await api.settings.update({ baseUrl: next.url })).ok).toBe(true)
        const second = await api.tasks.create({ request: { prompt: 'sent to the second address' } })
        if (!second.ok) throw new Error(second.error.message)
        expect((await untilJob(second.data[0]!.id, ['done'])).baseUrl).toBe(next.url)
        // The first is still asked about at its own address, never created at the new one.
        expect(next.tasks().map((t) => t.external_task_id)).toEqual([
          second.data[0]!.externalTaskId,
        ])
        // The first is followed to its end at its own address, and created there once.
        let done: Job | null = null
        for (let i = 0; i < 120 && done === null; i++) {
          const res = await api.tasks.get({ id: first.data[0]!.id })
          if (res.ok && res.data.job.state === 'done') done = res.data.job
          else await new Promise((r) => setTimeout(r, 250))
        }
        expect(done?.baseUrl).toBe(slow.url)
        expect(slow.tasks()).toHaveLength(1)
        expect(slow.tasks()[0]!.create_requests).toBe(1)
      } finally {
        await core.stop()
        await slow.close()
        await next.close()
      }
    },
  )
})
