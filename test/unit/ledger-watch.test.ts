import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EventName, EventPayloads } from '../../src/shared/contract'
import type { Job } from '../../src/shared/jobs'
import { LedgerWatch } from '../../src/main/app/ledger-watch'
import { publicJob } from '../../src/main/app/desktop'
import { Ledger, type NewJob } from '../../src/main/tasks/ledger'
import { changesAfter, changeSource, type ChangeSource } from '../../src/main/tasks/ledger-changes'
import { FakeClock } from '../fixtures/clock'

// The watch of other processes' changes, on a fake clock, with two connections on one history
// file as the app and a command line have: what the other connection does reaches the window
// once, what the app told the window itself is not told again, and reads stay bounded.

let dir: string
/** The app's connection (the watch reads through it). */
let app: Ledger
/** Another process's connection to the same file. */
let other: Ledger
let clock: FakeClock
let events: { name: EventName; payload: unknown }[]
let reads: { revision: number; changesAfter: number; missing: number }
let source: ChangeSource
let watch: LedgerWatch
let n = 0

const emit = <E extends EventName>(name: E, payload: EventPayloads[E]) =>
  void events.push({ name, payload: structuredClone(payload) })
const newJob = (over: Partial<NewJob> = {}): NewJob => ({
  request: { prompt: `a lantern on the pier ${++n}` },
  externalTaskId: `ks-watch-${n}`,
  ...over,
})
const updated = () => events.filter((e) => e.name === 'tasks.updated').map((e) => e.payload as Job)
const removed = () =>
  events.filter((e) => e.name === 'tasks.removed').map((e) => (e.payload as { id: string }).id)

function watchWith(options: { pageSize?: number } = {}): LedgerWatch {
  watch = new LedgerWatch({ source, emit, clock, ...options })
  return watch
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-watch-'))
  app = new Ledger(join(dir, 'history.db'))
  other = new Ledger(join(dir, 'history.db'))
  clock = new FakeClock()
  events = []
  reads = { revision: 0, changesAfter: 0, missing: 0 }
  // Every read the watch makes, counted on its way to the real history.
  const real = changeSource(app.prepare)
  source = {
    revision: () => (reads.revision++, real.revision()),
    changesAfter: (after, limit) => (reads.changesAfter++, real.changesAfter(after, limit)),
    missing: (ids) => (reads.missing++, real.missing(ids)),
    followed: (limit) => real.followed(limit),
  }
})
afterEach(async () => {
  await watch?.stop()
  app.close()
  other.close()
  await rm(dir, { recursive: true, force: true })
})

describe('LedgerWatch', () => {
  it('tells the window once of each change another process makes, as the window may see it', async () => {
    watchWith().start()
    const made = other.create(newJob())
    await clock.advance(1_000)
    expect(updated()).toEqual([publicJob(made)])
    expect(updated()[0]).not.toHaveProperty('file')

    // Nothing new: nothing told again, however long it waits.
    await clock.advance(5_000)
    expect(updated()).toHaveLength(1)

    other.setState(made.id, 'creating')
    const submitted = other.setState(made.id, 'submitted')
    const done = other.setSaved(made.id, join(dir, 'lantern.mp4'), 1234)
    await clock.advance(1_000)
    // Changes between two looks arrive as the job stands at the second: revisions only go up.
    expect(updated().map((j) => [j.state, j.revision])).toEqual([
      ['queued', made.revision],
      ['done', done.revision],
    ])
    expect(done.revision).toBeGreaterThan(submitted.revision)
    expect(removed()).toEqual([])
  })

  it('tells the window of a followed job another process removed, once', async () => {
    const before = other.create(newJob())
    watchWith().start()
    const after = other.create(newJob())
    const stays = other.create(newJob())
    await clock.advance(1_000)
    expect(updated().map((j) => j.id)).toEqual([after.id, stays.id])

    // Cancelled elsewhere: one queued before the watch started, one it saw made.
    expect(other.removeQueued(before.id)).toEqual({ removed: true })
    expect(other.removeQueued(after.id)).toEqual({ removed: true })
    await clock.advance(1_000)
    expect(removed().sort()).toEqual([before.id, after.id].sort())

    await clock.advance(3_000)
    expect(removed()).toHaveLength(2)
    expect(updated()).toHaveLength(2)
  })

  it('reads one row a look while nothing changes, and looks for removals only when one may have happened', async () => {
    other.create(newJob())
    watchWith().start()
    const startReads = reads.revision
    await clock.advance(10_000)
    expect(reads.revision - startReads).toBe(10)
    expect(reads.changesAfter).toBe(0)
    expect(reads.missing).toBe(0)

    // One write, one row stamped with its revision: nothing can have left the history.
    other.create(newJob())
    await clock.advance(1_000)
    expect(reads.changesAfter).toBe(1)
    expect(reads.missing).toBe(0)

    // A revision no row holds any more: a job may have gone, so the followed ones are looked up.
    const doomed = other.create(newJob())
    other.removeQueued(doomed.id)
    await clock.advance(1_000)
    expect(reads.changesAfter).toBe(2)
    expect(reads.missing).toBe(1)
    expect(updated().map((j) => j.id)).toHaveLength(1)
  })

  it('does not repeat what the app told the window itself, but tells what it did not', async () => {
    const w = watchWith()
    const told = w.tap(emit)
    w.start()
    const mine = app.create(newJob())
    told('tasks.updated', publicJob(mine))
    const cancelled = app.create(newJob())
    told('tasks.updated', publicJob(cancelled))
    app.removeQueued(cancelled.id)
    told('tasks.removed', { id: cancelled.id })
    const settled = app.create(newJob())
    told('tasks.updated', publicJob(settled))
    // A write of the app's that no service told the window of (an address noted, say).
    const quiet = app.setBaseUrl(mine.id, 'http://127.0.0.1:9')
    const theirs = other.create(newJob())
    await clock.advance(1_000)

    expect(updated().map((j) => [j.id, j.revision])).toEqual([
      [mine.id, mine.revision],
      [cancelled.id, cancelled.revision],
      [settled.id, settled.revision],
      [mine.id, quiet.revision],
      [theirs.id, theirs.revision],
    ])
    expect(removed()).toEqual([cancelled.id])
  })

  it('pages through a flood of changes, giving the process back between pages', async () => {
    // The yields between pages: how many jobs had been told each time the watch gave way.
    const toldAtYield: number[] = []
    const setTimeout = clock.setTimeout
    clock.setTimeout = (fn, ms) => {
      if (ms === 0) toldAtYield.push(updated().length)
      return setTimeout(fn, ms)
    }
    const early = other.create(newJob())
    watchWith({ pageSize: 100 }).start()
    const made = other.createAll(Array.from({ length: 1_050 }, () => newJob()))
    // Made and dropped between two looks: the window never heard of it, and hears nothing now.
    other.removeQueued(made[7]!.id)
    other.removeQueued(early.id)
    await clock.advance(1_000)

    const told = updated()
    expect(told).toHaveLength(1_049)
    expect(new Set(told.map((j) => j.id)).size).toBe(1_049)
    const revisions = told.map((j) => j.revision)
    expect(revisions).toEqual([...revisions].sort((x, y) => x - y))
    expect(told.map((j) => j.id)).not.toContain(made[7]!.id)
    expect(reads.changesAfter).toBe(11)
    // Never more than a page without a pause (the last page ends the look).
    expect(toldAtYield.slice(0, 10)).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1_000])
    // 1,050 followed jobs looked up for the removals, 500 at a time, pausing between lookups.
    expect(reads.missing).toBe(3)
    expect(toldAtYield).toHaveLength(12)
    expect(removed()).toEqual([early.id])
  })

  it('stops in the middle of a flood without reading on', async () => {
    watchWith({ pageSize: 100 }).start()
    other.createAll(Array.from({ length: 500 }, () => newJob()))
    const setTimeout = clock.setTimeout
    clock.setTimeout = (fn, ms) => {
      // At the first pause between pages, the app quits.
      if (ms === 0) void watch.stop()
      return setTimeout(fn, ms)
    }
    await clock.advance(1_000)
    await watch.stop()
    expect(reads.changesAfter).toBe(1)
    expect(updated()).toHaveLength(100)
    await clock.advance(5_000)
    expect(reads.changesAfter).toBe(1)
  })
})

describe('changesAfter', () => {
  it('reads the changed jobs from the revision index, a bounded page at a time', () => {
    const jobs = app.createAll(Array.from({ length: 5 }, () => newJob()))
    other.setFavourite(jobs[1]!.id, true)
    const first = changesAfter(app.prepare, jobs[0]!.revision, 2)
    expect(first.jobs.map((j) => j.id)).toEqual([jobs[2]!.id, jobs[3]!.id])
    expect(first.more).toBe(true)
    const rest = changesAfter(app.prepare, first.through, 2)
    expect(rest.jobs.map((j) => [j.id, j.favourite])).toEqual([
      [jobs[4]!.id, false],
      [jobs[1]!.id, true],
    ])
    expect(changesAfter(app.prepare, rest.through, 2)).toEqual({
      jobs: [],
      through: rest.through,
      more: false,
    })
    const plan = app.db
      .prepare(
        'EXPLAIN QUERY PLAN SELECT * FROM jobs INDEXED BY jobs_revision WHERE revision > ? ORDER BY revision LIMIT ?',
      )
      .all(0, 2) as { detail: string }[]
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX jobs_revision \(revision>\?\)/)
    expect(plan.map((p) => p.detail).join(' ')).not.toMatch(/TEMP B-TREE/)
  })
})
