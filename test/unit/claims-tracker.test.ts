import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { KlingTask } from '../../src/shared/kling'
import { Ledger } from '../../src/main/tasks/ledger'
import { Tracker } from '../../src/main/tasks/tracker'
import { STALE_MS, Worker } from '../../src/main/tasks/worker'
import { FakeClock } from '../fixtures/clock'

// Two engines, each a process of its own (a connection to the one history file, a worker, a
// clock), against one service in memory: a job is worked by one engine at a time, a job another
// live engine works takes no slot here and is taken over once that engine dies, claims go when a
// job ends or an engine stops, and an engine that stalled past the stale limit cannot write
// `creating` (and so send a create) for a job another one took over.

/** One service both engines talk to: tasks by external id, each succeeding after `durationMs`. */
class Service {
  tasks = new Map<string, { id: string; created: number }>()
  creates: { ext: string; by: string }[] = []
  /** Holds one engine's lookups until released (a process stalled in the middle of a step). */
  holdFinds: string | null = null
  private held: (() => void)[] = []
  constructor(
    private readonly clock: FakeClock,
    private readonly durationMs = 60_000,
  ) {}
  private view(ext: string): KlingTask {
    const t = this.tasks.get(ext)!
    const done = this.clock.now() - t.created >= this.durationMs
    return {
      task_id: t.id,
      task_status: done ? 'succeed' : 'processing',
      task_status_msg: '',
      external_task_id: ext,
      videos: done ? [{ id: 'v', url: `https://cdn.example/${t.id}.mp4`, duration: '5' }] : [],
      created_at: t.created,
      updated_at: this.clock.now(),
      final_unit_deduction: done ? '1' : null,
      request_id: 'rq',
    }
  }
  releaseFinds(): void {
    this.holdFinds = null
    for (const go of this.held.splice(0)) go()
  }
  client(by: string) {
    return {
      baseUrl: 'https://kling.test',
      videos: {
        create: async (_kind: string, body: Record<string, unknown>) => {
          const ext = String(body.external_task_id)
          this.creates.push({ ext, by })
          if (this.tasks.has(ext)) throw new Error(`external_task_id already exists: ${ext}`)
          this.tasks.set(ext, { id: `t${this.tasks.size + 1}`, created: this.clock.now() })
          return this.view(ext)
        },
        find: async (_kind: string, ext: string) => {
          if (this.holdFinds === by) await new Promise<void>((go) => this.held.push(go))
          return this.tasks.has(ext) ? this.view(ext) : null
        },
        get: async (_kind: string, id: string) => {
          const ext = [...this.tasks].find(([, t]) => t.id === id)![0]
          return this.view(ext)
        },
      },
    }
  }
}

let dir: string
let clock: FakeClock
let service: Service
let dead: Set<number>
const opened: Ledger[] = []
const engines: Tracker[] = []
const workers: Worker[] = []

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-claims-engine-'))
  clock = new FakeClock()
  service = new Service(clock)
  dead = new Set()
})
afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop()
  for (const w of workers.splice(0)) w.stop()
  for (const l of opened.splice(0)) l.close()
  await rm(dir, { recursive: true, force: true })
})

interface Process {
  ledger: Ledger
  worker: Worker
  engine: Tracker
  saved: string[]
}

/** A process: its own connection, worker (pid), clock and engine. */
function process_(
  name: string,
  pid: number,
  options: { clock?: FakeClock; concurrency?: number } = {},
): Process {
  const c = options.clock ?? clock
  const ledger = new Ledger(join(dir, 'history.db'), c.now)
  opened.push(ledger)
  const worker = new Worker({
    ledger,
    role: name,
    clock: c,
    pid,
    host: 'this-computer',
    pidAlive: (p) => !dead.has(p),
  })
  workers.push(worker)
  const saved: string[] = []
  const engine = new Tracker({
    ledger,
    client: service.client(name) as never,
    library: {
      save: async (job) => (saved.push(job.id), { file: join(dir, `${job.id}.mp4`), bytes: 1 }),
      exists: async () => false,
      adopt: async () => null,
    },
    emit: () => {},
    clock: c,
    random: () => 0.5,
    concurrency: options.concurrency ?? 2,
    worker,
  })
  engines.push(engine)
  return { ledger, worker, engine, saved }
}

const claims = (ledger: Ledger) =>
  ledger.prepare('SELECT job_id, worker_id FROM job_claims').all() as {
    job_id: string
    worker_id: string
  }[]

const queue = (ledger: Ledger, n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) =>
    ledger.create({ request: { prompt: `${prefix} ${i}` }, externalTaskId: `${prefix}-${i}` }),
  )

describe('engines of two processes on one history', () => {
  it('share the queued jobs: each created once, by one of them, each saved once', async () => {
    const a = process_('a', 101)
    const b = process_('b', 102)
    const jobs = queue(a.ledger, 8, 'ks-share')
    a.engine.start()
    b.engine.start()
    await clock.advance(10 * 60_000)
    for (const j of jobs) expect(a.ledger.get(j.id)!.state).toBe('done')
    expect(service.creates.map((c) => c.ext).sort()).toEqual(
      jobs.map((j) => j.externalTaskId).sort(),
    )
    expect(new Set(service.creates.map((c) => c.by))).toEqual(new Set(['a', 'b']))
    expect([...a.saved, ...b.saved].sort()).toEqual(jobs.map((j) => j.id).sort())
    // Claims go as jobs end.
    expect(claims(a.ledger)).toEqual([])
  })

  it('a job another live process works takes no slot here, and is taken over when it dies', async () => {
    const other = process_('other', 201)
    const here = process_('here', 202, { concurrency: 1 })
    const [held, free] = queue(here.ledger, 2, 'ks-held')
    expect(other.worker.claim(held!.id).ok).toBe(true) // the other process is working it
    here.engine.start()
    let idle = false
    void here.engine.idle().then(() => (idle = true))
    await clock.advance(5 * 60_000)
    // The free job went through the one slot; the held one was never sent from here.
    expect(here.ledger.get(free!.id)!.state).toBe('done')
    expect(here.ledger.get(held!.id)!.state).toBe('queued')
    expect(service.creates.map((c) => c.ext)).toEqual([free!.externalTaskId])
    expect(here.engine.stats().running).toBe(0)
    expect(idle).toBe(false)
    // Its process is gone from this computer: taken over at the next look.
    dead.add(201)
    await clock.advance(5 * 60_000)
    expect(here.ledger.get(held!.id)!.state).toBe('done')
    expect(service.creates.map((c) => c.ext)).toEqual([free!.externalTaskId, held!.externalTaskId])
    expect(idle).toBe(true)
  })

  it('stopping an engine frees the jobs it held for the other process', async () => {
    const a = process_('a', 101, { concurrency: 3 })
    const b = process_('b', 102)
    const jobs = queue(a.ledger, 3, 'ks-stop')
    a.engine.start()
    await clock.advance(1_000)
    expect(claims(a.ledger).map((c) => c.worker_id)).toEqual([
      a.worker.id,
      a.worker.id,
      a.worker.id,
    ])
    await a.engine.stop()
    expect(claims(a.ledger)).toEqual([])
    b.engine.start()
    await clock.advance(10 * 60_000)
    for (const j of jobs) expect(b.ledger.get(j.id)!.state).toBe('done')
    // Sent once each, by a; b found them by their external ids and followed them.
    expect(service.creates.map((c) => c.by)).toEqual(['a', 'a', 'a'])
  })

  it('jobs enqueued by one engine are claimed with them: the other never starts on them', async () => {
    const a = process_('a', 101)
    const b = process_('b', 102)
    b.engine.start()
    const made = a.engine.enqueueAll([
      { request: { prompt: 'one' }, externalTaskId: 'ks-own-1' },
      { request: { prompt: 'two' }, externalTaskId: 'ks-own-2' },
    ])
    expect(claims(a.ledger).map((c) => c.worker_id)).toEqual([a.worker.id, a.worker.id])
    b.engine.start() // a second look at the history, as a watcher would
    await clock.advance(10 * 60_000)
    for (const j of made) expect(a.ledger.get(j.id)!.state).toBe('done')
    expect(service.creates.map((c) => c.by)).toEqual(['a', 'a'])
    expect(b.saved).toEqual([])
  })

  it('an engine of the whole history takes in jobs another process began and left: ended or died', async () => {
    const app = process_('app', 301)
    app.engine.start() // before the command lines make their jobs
    const cliClock = new FakeClock()
    const cli = process_('cli', 302, { clock: cliClock })
    const [left, killed] = cli.engine.enqueueAll([
      { request: { prompt: 'left' }, externalTaskId: 'ks-left' },
      { request: { prompt: 'killed' }, externalTaskId: 'ks-killed' },
    ])
    await cliClock.advance(1_000) // both sent by the command line
    expect(service.creates.map((c) => c.by)).toEqual(['cli', 'cli'])
    // It lets one go (it ended without waiting: its claim goes), then dies holding the other.
    cli.engine.drop(left!.id)
    cli.worker.release(left!.id)
    await clock.advance(20_000)
    expect(app.worker.holds(left!.id)).toBe(true) // taken in by the app at its next look
    expect(app.worker.holds(killed!.id)).toBe(false) // its owner still lives
    dead.add(302)
    await clock.advance(10 * 60_000)
    for (const j of [left!, killed!]) expect(app.ledger.get(j.id)!.state).toBe('done')
    expect(app.saved.sort()).toEqual([left!.id, killed!.id].sort())
    expect(service.creates.map((c) => c.by)).toEqual(['cli', 'cli'])
  })

  it('a process that stalled past the stale limit sends nothing for a job taken over meanwhile', async () => {
    const stalledClock = new FakeClock()
    const a = process_('a', 101, { clock: stalledClock })
    const [job] = queue(a.ledger, 1, 'ks-stall')
    a.ledger.setState(job!.id, 'creating') // a crash mid-create: looked up before anything is sent
    service.holdFinds = 'a'
    a.engine.start()
    await stalledClock.advance(0)
    expect(a.worker.holds(job!.id)).toBe(true)
    // a stalls inside its lookup (its clock, and so its heartbeat, stands still); b comes along.
    const b = process_('b', 102)
    b.engine.start()
    await clock.advance(STALE_MS + 10_000)
    expect(b.worker.holds(job!.id)).toBe(true)
    await clock.advance(10 * 60_000)
    expect(b.ledger.get(job!.id)!.state).toBe('done')
    // a wakes: its lookup answers (the task b made), and whatever it would write is refused.
    const before = b.ledger.history(job!.id).length
    service.releaseFinds()
    await stalledClock.advance(60_000)
    expect(service.creates).toEqual([{ ext: 'ks-stall-0', by: 'b' }])
    expect(b.ledger.get(job!.id)!.state).toBe('done')
    expect(b.ledger.history(job!.id)).toHaveLength(before)
  })

  it('the write of `creating` is refused once the claim went to another process: no create sent', async () => {
    const stalledClock = new FakeClock()
    const a = process_('a', 101, { clock: stalledClock })
    const [job] = queue(a.ledger, 1, 'ks-guard')
    // An unconfirmed create: a looks it up, finds nothing, and would send it again.
    a.ledger.setState(job!.id, 'needs_attention')
    service.holdFinds = 'a'
    a.engine.start()
    await stalledClock.advance(0)
    // While a waits for its lookup, b takes the job over (a's heartbeat is stale) and holds it.
    const b = process_('b', 102)
    await clock.advance(STALE_MS + 1_000)
    expect(b.worker.claim(job!.id).ok).toBe(true)
    service.releaseFinds()
    await stalledClock.advance(1_000)
    expect(service.creates).toEqual([])
    const after = a.ledger.get(job!.id)!
    expect(after.state).toBe('needs_attention')
    expect(b.worker.holds(job!.id)).toBe(true)
  })
})
