import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Api } from '../../src/shared/bridge'
import type { EventName, EventPayloads } from '../../src/shared/contract'
import type { Job } from '../../src/shared/jobs'
import { AppCore } from '../../src/main/app/app-core'
import { startEmulator, type Emulator } from '../../src/main/emulator/server'
import { KlingClient } from '../../src/main/kling/client'
import type { FetchLike } from '../../src/main/kling/http'
import { Library } from '../../src/main/library/library'
import { MemorySecretStore } from '../../src/main/secrets/secret-store'
import { JsonSettingsStore } from '../../src/main/settings/settings-store'
import { Ledger } from '../../src/main/tasks/ledger'
import { Tracker } from '../../src/main/tasks/tracker'
import { bridgeTo, fakeDesktop, must } from '../fixtures/app-core'
import { runIn } from '../fixtures/cli'
import { emulators } from '../fixtures/emulator'

// "Close every way to pay twice", as a person would meet each way: the API address changed while
// a create's answer was lost, an external id that is no plain path segment, and a storm of 1303
// ("too many parallel tasks") refusals. Real loopback HTTP against the emulator; each test ends by
// counting, on the emulator, exactly one task per job and one create for it.

const emulator = emulators()

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-pay-once-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** What the emulator holds for an external id: how many tasks, and their create requests. */
function holding(e: Emulator, externalTaskId: string): { tasks: number; creates: number } {
  const mine = e.tasks().filter((t) => t.external_task_id === externalTaskId)
  return { tasks: mine.length, creates: mine.reduce((n, t) => n + t.create_requests, 0) }
}

/** An app core as the window drives it (bridge-rig.ts, takes-app.ts), with this fetch for the API. */
async function openApp(fetchApi: FetchLike) {
  const ledger = new Ledger(join(dir, 'history.db'))
  const confirms: string[] = []
  const core = new AppCore({
    ledger,
    library: new Library({ root: join(dir, 'library') }),
    secrets: new MemorySecretStore(),
    settings: new JsonSettingsStore(join(dir, 'config.json')),
    // The fake desktop's dialog: every new address is agreed to, and noted.
    actions: fakeDesktop({ confirms }),
    emit: <E extends EventName>(_name: E, _payload: EventPayloads[E]) => {},
    startEmulator: (o) => startEmulator({ ...o, timeScale: 600 }),
    info: { version: '0.0.0-test', platform: 'linux' },
    sandboxTimeScale: 600,
    fetch: fetchApi,
  })
  await core.start()
  const api: Api = bridgeTo(core)
  await must(api.key.set({ key: 'sk-pay-once-5151' }))
  return {
    api,
    core,
    ledger,
    confirms,
    must,
    async close() {
      await core.stop()
      ledger.close()
    },
  }
}

const pause = (ms = 20) => new Promise((r) => setTimeout(r, ms))

describe('a. the address changes while a create is unconfirmed', () => {
  it('the job is looked up and finished where it was sent; the new address gets no create', async () => {
    const a = await emulator({ timeScale: 50_000, seed: 21 })
    const b = await emulator({ timeScale: 50_000, seed: 22 })
    const requests: string[] = []
    let release: () => void = () => {}
    let dropped = false
    // The first create reaches A (which makes the task), and its answer is lost on the way back:
    // held until the test lets go, or until the engine working it is stopped.
    const fetchApi: FetchLike = async (url, init) => {
      requests.push(`${init.method ?? 'GET'} ${url}`)
      const res = await fetch(url, init)
      if (init.method !== 'POST' || dropped) return res
      dropped = true
      await res.text()
      await new Promise<void>((resolve, reject) => {
        release = resolve
        init.signal?.addEventListener('abort', () => reject(init.signal!.reason), { once: true })
      })
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
      })
    }
    const app = await openApp(fetchApi)
    try {
      await app.must(app.api.settings.update({ baseUrl: a.url }))
      const [job] = await app.must(
        app.api.tasks.create({
          request: { prompt: 'a harbour at dawn', external_task_id: 'ks-address-switch' },
        }),
      )
      // A holds the task; the answer has not come back: the job is unconfirmed.
      for (let i = 0; i < 500 && holding(a, 'ks-address-switch').tasks === 0; i++) await pause()
      expect(holding(a, 'ks-address-switch')).toEqual({ tasks: 1, creates: 1 })
      const before = await app.must(app.api.tasks.get({ id: job!.id }))
      expect(before.job).toMatchObject({ state: 'creating', baseUrl: a.url, taskId: null })

      // The person moves the app to B (and agrees in the dialog), then the lost answer fails.
      await app.must(app.api.settings.update({ baseUrl: b.url }))
      expect(app.confirms.some((m) => m.includes(new URL(b.url).host))).toBe(true)
      release()

      let done: Job | null = null
      for (let i = 0; i < 1_500 && !done; i++) {
        const now = (await app.must(app.api.tasks.get({ id: job!.id }))).job
        if (now.state === 'done' || now.state === 'failed' || now.state === 'needs_attention')
          done = now
        // Ask about the found task now rather than when the schedule says (seconds, in real time).
        else if (now.taskId) await app.api.tasks.recheck({ id: job!.id })
        await pause()
      }
      expect(done).toMatchObject({ state: 'done', baseUrl: a.url, saved: true })
      expect(done!.taskId).toBe(a.tasks()[0]!.task_id)
      // A: one task, one create. B: nothing for it, and no create at all.
      expect(holding(a, 'ks-address-switch')).toEqual({ tasks: 1, creates: 1 })
      expect(b.tasks()).toEqual([])
      expect(requests.filter((r) => r.startsWith(`POST ${b.url}`))).toEqual([])
      expect(requests.filter((r) => r.startsWith(`POST ${a.url}`))).toHaveLength(1)
      // It was confirmed by a lookup of its external id at A, the address it was sent to.
      expect(requests).toContain(`GET ${a.url}/kling/v1/videos/text2video/ks-address-switch`)
    } finally {
      release()
      await app.close()
    }
  })
})

const NOT_A_SEGMENT = ['.', '..', 'a/b', 'ks-\u0007bell']

describe('b. an external id that is no plain path segment', () => {
  it('is refused by the app core, and nothing is sent or written', async () => {
    const e = await emulator()
    const requests: string[] = []
    const app = await openApp((url, init) => (requests.push(url), fetch(url, init)))
    try {
      await app.must(app.api.settings.update({ baseUrl: e.url }))
      for (const id of NOT_A_SEGMENT) {
        const request = { prompt: 'refused', external_task_id: id }
        // Through the window's contract, and straight to the service behind it.
        const viaBridge = await app.api.tasks.create({ request })
        expect(viaBridge).toEqual({
          ok: false,
          error: { code: 'invalid_input', message: expect.stringMatching(/external_task_id/) },
        })
        const create = app.core.handlers()['tasks.create']
        const direct = await Promise.resolve()
          .then(() => create({ kind: 'text2video', request, takes: 1 }))
          .then(
            () => null,
            (x: unknown) => x,
          )
        expect(direct).toMatchObject({
          code: 'invalid_input',
          message: expect.stringMatching(/external_task_id must be .*not "\." or "\.\."/),
        })
      }
      expect((await app.must(app.api.tasks.list({}))).total).toBe(0)
      expect(requests).toEqual([])
      expect(e.tasks()).toEqual([])
    } finally {
      await app.close()
    }
  })

  it('is refused by the command line with exit code 2, before anything is written', async () => {
    const e = await emulator()
    for (const id of NOT_A_SEGMENT) {
      const data = join(dir, 'cli')
      const r = await runIn(dir, ['generate', 'refused', '--external-task-id', id], {
        COMETAPI_KEY: 'sk-cli-pay-once',
        COMETAPI_BASE_URL: e.url,
        KLING_STUDIO_DATA_DIR: data,
      })
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr).toMatch(/external_task_id must be/)
      if (existsSync(join(data, 'history.db'))) {
        const ledger = new Ledger(join(data, 'history.db'))
        expect(ledger.byExternalId(id)).toBeNull()
        ledger.close()
      }
    }
    expect(e.tasks()).toEqual([])
  })

  it('is refused by the emulator with HTTP 400, creating nothing', async () => {
    const e = await emulator()
    for (const id of NOT_A_SEGMENT) {
      const res = await fetch(`${e.url}/kling/v1/videos/text2video`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'refused', external_task_id: id }),
      })
      expect(res.status).toBe(400)
      expect(((await res.json()) as { message: string }).message).toMatch(/external_task_id/)
    }
    expect(e.tasks()).toEqual([])
  })
})

describe('c. a storm of 1303 refusals', () => {
  it('every job ends with one task, no create after its task exists, none needs attention', async () => {
    const e = await emulator({
      timeScale: 20_000,
      seed: 1303,
      faultRate: 0.7,
      faultKinds: ['parallel_limit'],
      // The storm is about creates: downloads go through whole.
      downloadFaultRate: 0,
    })
    const seen: { method: string; path: string; status: number }[] = []
    const client = new KlingClient({
      baseUrl: e.url,
      apiKey: 'sk-storm',
      requestTimeoutMs: 5_000,
      backoff: { baseMs: 5, maxMs: 20 },
      fetch: async (url, init) => {
        const res = await fetch(url, init)
        seen.push({ method: init.method ?? 'GET', path: new URL(url).pathname, status: res.status })
        return res
      },
    })
    const ledger = new Ledger(join(dir, 'storm.db'))
    const tracker = new Tracker({
      ledger,
      client,
      library: new Library({
        root: join(dir, 'library'),
        download: { backoff: { baseMs: 5, maxMs: 20 } },
      }),
      emit: () => {},
      concurrency: 3,
      requestsPerSecond: 500,
      burst: 100,
      pollScale: 20_000,
      requeueBackoff: { baseMs: 5, maxMs: 40 },
    })
    try {
      const ids = Array.from({ length: 6 }, (_, i) => `ks-storm-${i}`)
      const jobs = ids.map((externalTaskId, i) =>
        tracker.enqueue({ request: { prompt: `storm ${i}` }, externalTaskId }),
      )
      await tracker.idle()

      const refused = seen.filter((s) => s.method === 'POST' && s.status === 429)
      expect(refused.length).toBeGreaterThan(0)
      for (const [i, job] of jobs.entries()) {
        const end = ledger.get(job.id)!
        expect(end.state).toBe('done')
        const states = ledger.history(job.id).map((h) => h.state)
        expect(states).not.toContain('needs_attention')
        // One task, one create that made it; a create refused with 1303 made nothing.
        expect(holding(e, ids[i]!)).toEqual({ tasks: 1, creates: 1 })
      }
      // A 1303 is a definite "no": back in line, never a lookup by external id.
      const lookups = seen.filter((s) => s.method === 'GET' && /\/ks-storm-\d+$/.test(s.path))
      expect(lookups).toEqual([])
      expect(e.tasks()).toHaveLength(6)
    } finally {
      await tracker.stop()
      ledger.close()
    }
  })
})
