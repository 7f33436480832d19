import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createBridge } from '../../src/shared/bridge'
import { isLive, type Job } from '../../src/shared/jobs'
import type { Settings } from '../../src/shared/settings'
import { AppCore } from '../../src/main/app/app-core'
import { startEmulator, type Emulator } from '../../src/main/emulator/server'
import { eventSender } from '../../src/main/ipc/register'
import { Library } from '../../src/main/library/library'
import { LEDGER_FILE } from '../../src/main/paths'
import { MemorySecretStore } from '../../src/main/secrets/secret-store'
import { JsonSettingsStore } from '../../src/main/settings/settings-store'
import { Ledger } from '../../src/main/tasks/ledger'
import { ipcTransport, type IpcRendererLike } from '../../src/preload/transport'
import { runIn, startIn } from '../fixtures/cli'
import { fakeDesktop } from '../fixtures/app-core'

// The app's window follows a job that a command line makes on the same history: a real
// `kling-studio generate --wait` (the built CLI, its own process) against an emulator, while an
// AppCore on the same data folder sends its events through the real event sender, preload
// transport and bridge to a listener, as the window's. The command line's status polls are held
// at a gate until the window has heard of the job in flight, so nothing depends on timing.
// Needs `npx electron-vite build` first.

/** A loopback forwarder to the emulator that holds every status poll until it is opened. */
async function gate(target: string): Promise<{ url: string; open(): void; server: Server }> {
  let open!: () => void
  const opened = new Promise<void>((done) => (open = done))
  const forward = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    if (req.method === 'GET') await opened
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k]) => !['host', 'content-length'].includes(k)),
    ) as Record<string, string>
    const answer = await fetch(target + req.url, {
      method: req.method,
      headers,
      body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
    })
    const body = Buffer.from(await answer.arrayBuffer())
    const out: Record<string, string> = {}
    answer.headers.forEach((v, k) => {
      if (!['content-length', 'content-encoding', 'transfer-encoding'].includes(k)) out[k] = v
    })
    res.writeHead(answer.status, out).end(body)
  }
  const server = createServer((req, res) => {
    forward(req, res).catch(() => res.destroy())
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, open, server }
}

/** Waits for a condition, checking every 20 ms; `why` says what never came. */
async function until<T>(check: () => T | undefined, why: () => string): Promise<T> {
  for (let i = 0; i < 1_000; i++) {
    const found = check()
    if (found !== undefined) return found
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(why())
}

let dir: string
let emulator: Emulator
let ledger: Ledger
let core: AppCore
let proxy: Awaited<ReturnType<typeof gate>>
/** What the window's listener heard. */
let heard: { updated: Job[]; removed: string[]; settings: Settings[] }

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-follow-cli-'))
  const data = join(dir, 'data')
  await mkdir(data, { recursive: true })
  emulator = await startEmulator({ timeScale: 600, seed: 21 })
  proxy = await gate(emulator.url)
  // The window's side: listeners on channels, fed structured clones as Electron does.
  const listeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>()
  const renderer: IpcRendererLike = {
    invoke: async () => {
      throw new Error('this test makes no calls')
    },
    on: (channel, listener) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set())
      listeners.get(channel)!.add(listener)
    },
    removeListener: (channel, listener) => void listeners.get(channel)?.delete(listener),
  }
  const send = (channel: string, payload: unknown) => {
    for (const l of listeners.get(channel) ?? []) l({}, structuredClone(payload))
  }
  const api = createBridge(ipcTransport(renderer))
  heard = { updated: [], removed: [], settings: [] }
  api.on('tasks.updated', (job) => void heard.updated.push(job))
  api.on('settings.changed', (settings) => void heard.settings.push(settings))
  api.on('tasks.removed', ({ id }) => void heard.removed.push(id))

  ledger = new Ledger(join(data, LEDGER_FILE))
  core = new AppCore({
    ledger,
    library: new Library({ root: join(dir, 'app-library') }),
    secrets: new MemorySecretStore(),
    settings: new JsonSettingsStore(join(data, 'config.json')),
    actions: fakeDesktop(),
    emit: eventSender(send),
    startEmulator: (o) => startEmulator({ ...o, timeScale: 600 }),
    info: { version: '0.0.0-test', platform: 'linux' },
    sandboxTimeScale: 600,
  })
  await core.start()
})

afterEach(async () => {
  proxy.open()
  await core.stop()
  ledger.close()
  await new Promise((done) => proxy.server.close(done))
  await emulator.close()
  await rm(dir, { recursive: true, force: true })
})

describe('the app follows the command line', () => {
  it('hears of a job a command line makes, at each step, until it is done', async () => {
    const cli = startIn(dir, ['generate', 'A paper boat crossing a pond', '--wait', '--json'], {
      COMETAPI_KEY: 'sk-follow-the-cli-5150',
      COMETAPI_BASE_URL: proxy.url,
    })
    let exited = false
    void cli.done.then(() => (exited = true))

    // The command line waits at the gate with its job sent: the window hears of it in flight.
    const inFlight = await until(
      () => heard.updated.find((j) => isLive(j.state)),
      () => `the window heard nothing of the job; the command line said: ${cli.stderr()}`,
    )
    expect(exited).toBe(false)
    proxy.open()

    const run = await cli.done
    expect(run.code, run.stderr).toBe(0)
    const printed = JSON.parse(run.stdout) as { external_task_id: string; task_status: string }
    expect(printed.task_status).toBe('succeed')
    const done = await until(
      () => heard.updated.find((j) => j.id === inFlight.id && j.state === 'done'),
      () => `the window never heard the job finish: ${JSON.stringify(heard.updated)}`,
    )

    const ofJob = heard.updated.filter((j) => j.id === inFlight.id)
    // Every job the window heard of is the command line's one job, each step told once, in order.
    expect(heard.updated.every((j) => j.id === inFlight.id)).toBe(true)
    expect(inFlight.externalTaskId).toBe(printed.external_task_id)
    const revisions = ofJob.map((j) => j.revision)
    expect(revisions).toEqual([...new Set(revisions)].sort((a, b) => a - b))
    expect(ofJob.at(-1)).toEqual(done)
    expect(done.saved).toBe(true)
    expect(done.taskId).toBeTruthy()
    // As the window may see a job: no file path.
    expect(ofJob.every((j) => !('file' in j))).toBe(true)
    expect(done.revision).toBe(ledger.get(done.id)!.revision)
    expect(heard.removed).toEqual([])
  }, 60_000)

  it('hears of the caps a command line sets, and goes by them', async () => {
    const set = await runIn(dir, ['budget', '--daily', '9', '--price', '0.2'])
    expect(set.code, set.stderr).toBe(0)
    const told = await until(
      () => heard.settings.find((s) => s.budget.dailyUnits === 9),
      () => `the window heard no new caps: ${JSON.stringify(heard.settings)}`,
    )
    expect(told.budget).toMatchObject({ dailyUnits: 9, pricePerUnit: 0.2 })
    // Told once, with the file's settings, and main answers with them from then on.
    expect(heard.settings).toHaveLength(1)
    const handlers = core.handlers()
    expect((await handlers['settings.get'](undefined)).budget.dailyUnits).toBe(9)
    // The app's own change is not heard back as another process's.
    await handlers['settings.update']({ theme: 'dark' })
    await new Promise((r) => setTimeout(r, 300))
    expect(heard.settings.map((s) => s.theme)).toEqual([told.theme, 'dark'])
  }, 30_000)
})
