import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { KlingTask } from '../../src/shared/kling'
import { UNCLAIMED_SCAN_MS } from '../../src/main/tasks/engine-claims'
import { Ledger } from '../../src/main/tasks/ledger'
import { unclaimedJobs, type JobScope } from '../../src/main/tasks/ledger-claims'
import { Tracker } from '../../src/main/tasks/tracker'
import { STALE_MS, Worker } from '../../src/main/tasks/worker'
import { FakeClock } from '../fixtures/clock'

// The look for jobs nobody works, on a history with a long tail of old unfinished jobs elsewhere:
// the address, the mode, the states and "no live owner" are read in SQL and every page is walked,
// so 1200 old unconfirmed creates at another address never hide a newer job a dead process left
// at this one. Two connections to one history file, each with a worker and a clock of its own.

const HERE = 'https://kling.test'
const ELSEWHERE = 'https://other.example'
const OLD = 1_200
/** A sandbox job's address: the emulator of an earlier session. */
const EMULATOR = 'http://127.0.0.1:9'

let dir: string
let clock: FakeClock
let dead: Set<number>
const opened: Ledger[] = []
const workers: Worker[] = []
const engines: Tracker[] = []

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-claims-scan-'))
  clock = new FakeClock()
  dead = new Set()
})
afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop()
  for (const w of workers.splice(0)) w.stop()
  for (const l of opened.splice(0)) l.close()
  await rm(dir, { recursive: true, force: true })
})

function connect(c = clock): Ledger {
  const ledger = new Ledger(join(dir, 'history.db'), c.now)
  opened.push(ledger)
  return ledger
}

function worker(ledger: Ledger, pid: number, c = clock): Worker {
  const w = new Worker({
    ledger,
    role: `test ${pid}`,
    clock: c,
    pid,
    host: 'this-computer',
    pidAlive: (p) => !dead.has(p),
  })
  workers.push(w)
  return w
}

/** OLD unconfirmed creates sent to another address a day ago, nobody working them. */
function oldTail(ledger: Ledger): void {
  ledger.transaction(() => {
    for (let i = 0; i < OLD; i++) {
      const job = ledger.create({
        request: { prompt: `old ${i}` },
        externalTaskId: `ks-old-${i}`,
        baseUrl: ELSEWHERE,
        createdAt: clock.now() - 86_400_000 + i,
      })
      ledger.setState(job.id, 'needs_attention')
    }
  })
}

/** Every id a scope's look finds, page after page. */
function walk(w: Worker, scope: JobScope): string[] {
  const ids: string[] = []
  let after: number | null = null
  do {
    const page = w.unclaimed(scope, after)
    ids.push(...page.ids)
    after = page.next
  } while (after !== null)
  return ids
}

describe('the look for jobs nobody works', () => {
  it('reads address, mode, states and owner in SQL: old jobs elsewhere never fill its pages', () => {
    const ledger = connect()
    oldTail(ledger)
    const other = worker(connect(), 201)
    const gone = worker(connect(), 202)
    const here = worker(ledger, 301)
    const make = (ext: string, o: { baseUrl?: string | null; sandbox?: boolean } = {}) =>
      ledger.create({ request: { prompt: ext }, externalTaskId: ext, baseUrl: HERE, ...o })
    const free = make('ks-free')
    const held = make('ks-held')
    const left = make('ks-left')
    const unsent = make('ks-unsent', { baseUrl: null })
    const sandbox = make('ks-sandbox', { sandbox: true, baseUrl: EMULATOR })
    const finished = make('ks-finished')
    for (const j of [free, held, left]) ledger.setState(j.id, 'submitted')
    ledger.setState(finished.id, 'failed')
    expect(other.claim(held.id).ok).toBe(true) // a live process works it
    expect(gone.claim(left.id).ok).toBe(true) // and this one dies holding it
    dead.add(202)

    const real = { baseUrl: HERE, sandbox: false }
    // The first page already holds them: nothing of the old tail elsewhere comes before.
    expect(here.unclaimed(real)).toEqual({ ids: [free.id, left.id], next: null })
    expect(here.unclaimed({ ...real, unsent: true }).ids).toEqual([free.id, left.id, unsent.id])
    expect(here.unclaimed({ baseUrl: HERE, sandbox: true }).ids).toEqual([])
    expect(here.unclaimed({ sandbox: true }).ids).toEqual([sandbox.id])
    // The tail itself, for an engine of its address: every one of them, over several pages.
    const tail = walk(here, { baseUrl: ELSEWHERE, sandbox: false })
    expect(tail).toHaveLength(OLD)
    expect(new Set(tail).size).toBe(OLD)
    expect(here.unclaimed({ baseUrl: ELSEWHERE }).next).not.toBeNull()
    // Where they were sent: a live process's jobs and sandbox jobs say nothing, nor known ones.
    const third = make('ks-third', { baseUrl: 'https://third.example' })
    expect(other.claim(third.id).ok).toBe(true)
    expect(here.unclaimedAddresses({ sandbox: false }, [])).toEqual([HERE, ELSEWHERE].sort())
    expect(here.unclaimedAddresses({ sandbox: false }, [HERE])).toEqual([ELSEWHERE])
    dead.add(201)
    expect(here.unclaimedAddresses({ sandbox: false }, [HERE, ELSEWHERE])).toEqual([
      'https://third.example',
    ])
    // Any address: the tail first (oldest first), then this address's, the sandbox's too.
    expect(walk(here, {}).slice(OLD)).toEqual([
      free.id,
      held.id,
      left.id,
      unsent.id,
      sandbox.id,
      third.id,
    ])
  })

  it('pages go on where the last one ended, oldest first, until the newest', () => {
    const ledger = connect()
    const w = worker(ledger, 301)
    const jobs = Array.from({ length: 5 }, (_, i) =>
      ledger.create({ request: { prompt: `p ${i}` }, externalTaskId: `ks-page-${i}` }),
    )
    const liveness = {
      now: clock.now(),
      staleMs: STALE_MS,
      host: 'this-computer',
      pidAlive: () => true,
    }
    const first = unclaimedJobs(ledger, liveness, {}, null, 2)
    const second = unclaimedJobs(ledger, liveness, {}, first.next, 2)
    const third = unclaimedJobs(ledger, liveness, {}, second.next, 2)
    expect([first.ids, second.ids, third.ids]).toEqual([
      [jobs[0]!.id, jobs[1]!.id],
      [jobs[2]!.id, jobs[3]!.id],
      [jobs[4]!.id],
    ])
    expect(third.next).toBeNull()
    // A job claimed meanwhile by a live worker drops out of the pages still to come.
    expect(w.claim(jobs[4]!.id).ok).toBe(true)
    expect(unclaimedJobs(ledger, liveness, {}, second.next, 2).ids).toEqual([])
  })
})

/** One service for both processes: tasks by external id, each done a minute after its create. */
function service() {
  const tasks = new Map<string, { id: string; created: number }>()
  const creates: string[] = []
  const view = (ext: string): KlingTask => {
    const t = tasks.get(ext)!
    const done = clock.now() - t.created >= 60_000
    return {
      task_id: t.id,
      task_status: done ? 'succeed' : 'processing',
      task_status_msg: '',
      external_task_id: ext,
      videos: done ? [{ id: 'v', url: `https://cdn.example/${t.id}.mp4`, duration: '5' }] : [],
      created_at: t.created,
      updated_at: clock.now(),
      final_unit_deduction: done ? '1' : null,
      request_id: 'rq',
    }
  }
  const client = {
    baseUrl: HERE,
    videos: {
      create: async (_kind: string, body: Record<string, unknown>) => {
        const ext = String(body.external_task_id)
        creates.push(ext)
        tasks.set(ext, { id: `t${tasks.size + 1}`, created: clock.now() })
        return view(ext)
      },
      find: async (_kind: string, ext: string) => (tasks.has(ext) ? view(ext) : null),
      get: async (_kind: string, id: string) => view([...tasks].find(([, t]) => t.id === id)![0]),
    },
  }
  return { creates, client }
}

function engine(
  ledger: Ledger,
  w: Worker,
  client: ReturnType<typeof service>['client'],
  o: { scope?: 'all' | 'own'; clock?: FakeClock; saved?: string[] } = {},
): Tracker {
  const e = new Tracker({
    ledger,
    client: client as never,
    library: {
      save: async (job) => (o.saved?.push(job.id), { file: join(dir, `${job.id}.mp4`), bytes: 1 }),
      exists: async () => false,
      adopt: async () => null,
    },
    emit: () => {},
    clock: o.clock ?? clock,
    random: () => 0.5,
    scope: o.scope,
    sandbox: false,
    worker: w,
  })
  engines.push(e)
  return e
}

describe('an engine of the whole history', () => {
  it('takes in a job a dead process left at its address, behind 1200 old ones elsewhere', async () => {
    const { creates, client } = service()
    const appLedger = connect()
    oldTail(appLedger)
    const saved: string[] = []
    const appWorker = worker(appLedger, 301)
    engine(appLedger, appWorker, client, { saved }).start()
    // A command line sends a job, then dies (its clock, so its heartbeat, stands still from here).
    const cliClock = new FakeClock()
    const cliLedger = connect(cliClock)
    const cliWorker = worker(cliLedger, 302, cliClock)
    const cli = engine(cliLedger, cliWorker, client, { scope: 'own', clock: cliClock })
    const [job] = cli.enqueueAll([{ request: { prompt: 'left' }, externalTaskId: 'ks-new' }])
    await cliClock.advance(0)
    expect(appLedger.get(job!.id)).toMatchObject({ state: 'processing', baseUrl: HERE })
    dead.add(302)

    await clock.advance(UNCLAIMED_SCAN_MS + 1_000)
    expect(appWorker.holds(job!.id)).toBe(true) // taken in at the app's next look
    await clock.advance(5 * 60_000)
    expect(appLedger.get(job!.id)).toMatchObject({ state: 'done', saved: true })
    expect(saved).toEqual([job!.id])
    expect(creates).toEqual(['ks-new']) // sent once, by the command line
    // The old jobs elsewhere are left as they were.
    const stillWaiting = appLedger.prepare(
      "SELECT count(*) AS n FROM jobs WHERE state = 'needs_attention' AND base_url = ?",
    )
    expect(stillWaiting.get(ELSEWHERE)).toEqual({ n: OLD })
  })

  it('takes in one left by a process whose heartbeat went stale, and a live one’s never', async () => {
    const { creates, client } = service()
    const appLedger = connect()
    oldTail(appLedger)
    const appWorker = worker(appLedger, 301)
    engine(appLedger, appWorker, client).start()
    const cliClock = new FakeClock()
    const cliLedger = connect(cliClock)
    const cliWorker = worker(cliLedger, 302, cliClock)
    const cli = engine(cliLedger, cliWorker, client, { scope: 'own', clock: cliClock })
    const [job] = cli.enqueueAll([{ request: { prompt: 'stalled' }, externalTaskId: 'ks-stale' }])
    await cliClock.advance(0)
    // Alive (its pid runs) but silent: left to it until its heartbeat is STALE_MS old.
    await clock.advance(STALE_MS - 5_000)
    expect(appWorker.holds(job!.id)).toBe(false)
    await clock.advance(5_000 + UNCLAIMED_SCAN_MS)
    expect(appWorker.holds(job!.id)).toBe(true)
    await clock.advance(5 * 60_000)
    expect(appLedger.get(job!.id)!.state).toBe('done')
    expect(creates).toEqual(['ks-stale'])
  })
})
