import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Ledger } from '../../src/main/tasks/ledger'
import { HEARTBEAT_MS, STALE_MS, Worker } from '../../src/main/tasks/worker'
import { FakeClock } from '../fixtures/clock'

// Claims between processes, as two connections to one history file (what two processes are to
// SQLite), each with a worker and a clock of its own: a job is one worker's at a time; a worker
// whose heartbeat went stale, or whose process is gone from this computer, loses its jobs to the
// next one that asks; a live one never does.

let dir: string
let a: Ledger
let b: Ledger
let clockA: FakeClock
let clockB: FakeClock
/** Processes of this computer that are gone (by pid). */
let dead: Set<number>
const workers: Worker[] = []

function worker(
  ledger: Ledger,
  clock: FakeClock,
  pid: number,
  extra: Partial<ConstructorParameters<typeof Worker>[0]> = {},
): Worker {
  const w = new Worker({
    ledger,
    role: `test ${pid}`,
    clock,
    pid,
    host: 'this-computer',
    pidAlive: (p) => !dead.has(p),
    ...extra,
  })
  workers.push(w)
  return w
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-claims-'))
  clockA = new FakeClock()
  clockB = new FakeClock()
  a = new Ledger(join(dir, 'history.db'), clockA.now)
  b = new Ledger(join(dir, 'history.db'), clockB.now)
  dead = new Set()
})
afterEach(async () => {
  for (const w of workers.splice(0)) w.stop()
  a.close()
  b.close()
  await rm(dir, { recursive: true, force: true })
})

const job = (ledger: Ledger, ext: string) =>
  ledger.create({ request: { prompt: ext }, externalTaskId: ext })

describe('job claims between two processes', () => {
  it('a job is one live worker’s: the other is told who holds it, and the holder may ask again', () => {
    const one = worker(a, clockA, 101)
    const two = worker(b, clockB, 102)
    const j = job(a, 'ks-excl')
    expect(one.claim(j.id)).toEqual({ ok: true, from: null })
    const refused = two.claim(j.id)
    expect(refused.ok).toBe(false)
    expect(!refused.ok && refused.owner?.id).toBe(one.id)
    expect(!refused.ok && refused.owner?.role).toBe('test 101')
    expect(one.claim(j.id).ok).toBe(true)
    expect(two.ownerOf(j.id)?.id).toBe(one.id)
    expect(one.holds(j.id)).toBe(true)
    expect(two.holds(j.id)).toBe(false)
    expect(two.liveIds()).toEqual(new Set([one.id, two.id]))
  })

  it('a worker that keeps its heartbeat keeps its jobs, however long it works', async () => {
    const one = worker(a, clockA, 101)
    const two = worker(b, clockB, 102)
    const j = job(a, 'ks-beat')
    one.claim(j.id)
    for (let i = 0; i < 20; i++) {
      await clockA.advance(HEARTBEAT_MS)
      await clockB.advance(HEARTBEAT_MS)
      expect(two.claim(j.id).ok).toBe(false)
    }
  })

  it('a worker whose heartbeat went stale loses its jobs to the next one that asks', async () => {
    const one = worker(a, clockA, 101) // its clock never moves again: a process stalled, or gone
    const two = worker(b, clockB, 102)
    const j = job(a, 'ks-stale')
    one.claim(j.id)
    await clockB.advance(STALE_MS - 1_000)
    expect(two.claim(j.id).ok).toBe(false)
    await clockB.advance(2_000)
    const taken = two.claim(j.id)
    expect(taken.ok && taken.from?.id).toBe(one.id)
    expect(one.holds(j.id)).toBe(false)
    expect(two.isLive(one.id)).toBe(false)
    // Back from its stall, the first worker finds the job with a live owner.
    await clockA.advance(STALE_MS + 2_000)
    expect(one.claim(j.id).ok).toBe(false)
  })

  it('a worker whose process is gone from this computer loses its jobs at once', () => {
    const one = worker(a, clockA, 101)
    const two = worker(b, clockB, 102)
    const j = job(a, 'ks-dead')
    one.claim(j.id)
    expect(two.claim(j.id).ok).toBe(false)
    dead.add(101)
    expect(two.claim(j.id)).toMatchObject({ ok: true, from: { id: one.id, pid: 101 } })
  })

  it('the pid of another computer says nothing: only its heartbeat counts there', async () => {
    const far = worker(a, clockA, 101, { host: 'another-computer' })
    const near = worker(b, clockB, 102)
    const j = job(a, 'ks-far')
    far.claim(j.id)
    dead.add(101) // a process 101 of this computer is gone; the other computer's may not be
    expect(near.claim(j.id).ok).toBe(false)
    await clockB.advance(STALE_MS + 1_000)
    expect(near.claim(j.id).ok).toBe(true)
  })

  it('a worker back from a sleep of its own judges nobody dead by heartbeat until they could beat', async () => {
    const one = worker(a, clockA, 101)
    const two = worker(b, clockB, 102)
    const j = job(a, 'ks-sleep')
    one.claim(j.id)
    // The computer sleeps an hour: no timer of either process fires meanwhile.
    clockA.t += 3_600_000
    clockB.t += 3_600_000
    // Two wakes first: one's heartbeat is an hour old, yet one is given time to beat.
    expect(two.claim(j.id).ok).toBe(false)
    // Both run again: one beats as usual and keeps its job past the grace.
    for (let i = 0; i < 10; i++) {
      await clockA.advance(HEARTBEAT_MS)
      await clockB.advance(HEARTBEAT_MS)
      expect(two.claim(j.id).ok).toBe(false)
    }
    // One that stops beating is judged by its heartbeat as before.
    await clockB.advance(STALE_MS + 1_000)
    expect(two.claim(j.id).ok).toBe(true)
  })

  it('release and stop free jobs at once; a claim another worker took is not released by the old one', () => {
    const one = worker(a, clockA, 101)
    const two = worker(b, clockB, 102)
    const [x, y, z] = [job(a, 'ks-x'), job(a, 'ks-y'), job(a, 'ks-z')]
    for (const j of [x, y, z]) one.claim(j.id)
    one.release(x.id)
    expect(two.claim(x.id).ok).toBe(true)
    one.release(x.id) // no longer its: two keeps it
    expect(two.holds(x.id)).toBe(true)
    one.stop()
    expect(two.claim(y.id).ok).toBe(true)
    expect(two.claim(z.id).ok).toBe(true)
    expect(two.liveIds()).toEqual(new Set([two.id]))
  })

  it('a deleted job takes its claim with it, and cannot be claimed', () => {
    const one = worker(a, clockA, 101)
    const j = job(a, 'ks-gone')
    one.claim(j.id)
    b.remove(j.id)
    expect(one.holds(j.id)).toBe(false)
    expect(one.claim(j.id)).toEqual({ ok: false, owner: null })
  })

  it('a new worker prunes the rows and claims of dead ones; a pruned one that comes back is alive again', async () => {
    const one = worker(a, clockA, 101)
    const j = job(a, 'ks-prune')
    one.claim(j.id)
    dead.add(101)
    const two = worker(b, clockB, 102)
    const rows = () =>
      (b.prepare('SELECT id FROM workers').all() as { id: string }[]).map((r) => r.id)
    expect(rows()).toEqual([two.id])
    expect(b.prepare('SELECT * FROM job_claims').all()).toEqual([])
    dead.delete(101)
    await clockA.advance(HEARTBEAT_MS)
    expect(new Set(rows())).toEqual(new Set([one.id, two.id]))
  })
})
