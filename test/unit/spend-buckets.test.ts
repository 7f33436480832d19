import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { seededRandom } from '../../src/shared/seeded-random'
import { DEFAULT_BUDGET } from '../../src/shared/settings'
import { addDays, localDay, localMidnight } from '../../src/shared/spend'
import { priceUnpriced } from '../../src/main/tasks/job-price'
import { Ledger } from '../../src/main/tasks/ledger'
import {
  chargedByDay,
  chargedByModel,
  committedSince,
  spendSummary,
} from '../../src/main/tasks/ledger-spend'
import { migrate } from '../../src/main/tasks/migrations'
import { towards } from '../../src/main/tasks/spend-buckets'
import {
  keptBuckets,
  recount,
  refByDay,
  refByModel,
  refCommitted,
  refSummary,
  type BucketSums,
} from './spend-reference'
import { QUARTER, randomOps, request, STATES, T0, UNITS, WINDOW } from './spend-random'

// The money sums kept by triggers (spend-buckets.ts) against the figures of the release before,
// which read the jobs table at every call (spend-reference.ts): after a seeded random run of
// every change that moves money (spend-random.ts), every bucket equals a recount from the jobs and
// every figure (by local day, by model, committed, the summary) equals the old one, for ranges on
// and off the quarter hour, in zones whose midnight is on the hour, the half and the three-quarter
// hour, with and without a change of clocks. A history written before the sums is priced and
// filled once, with the figures it gave before; jobs an older release writes later are priced at
// the next opening.

let dir: string
let ledger: Ledger
let opened: Ledger[] = []
let tz: string | undefined

const open = (file: string, now?: () => number): Ledger => {
  ledger = new Ledger(join(dir, file), now)
  opened.push(ledger)
  return ledger
}

beforeEach(async () => {
  tz = process.env.TZ
  dir = await mkdtemp(join(tmpdir(), 'kling-buckets-'))
})
afterEach(async () => {
  for (const l of opened) l.close()
  opened = []
  if (tz === undefined) delete process.env.TZ
  else process.env.TZ = tz
  await rm(dir, { recursive: true, force: true })
})

/** Buckets as kept equal the recount (floats to 1e-9). */
function expectBuckets(l: Ledger): void {
  const want = recount(l.prepare)
  const kept = keptBuckets(l.prepare)
  const near = (s: BucketSums) => ({
    ...s,
    charged: Math.round(s.charged * 1e9) / 1e9 + 0,
    unreported: Math.round(s.unreported * 1e9) / 1e9 + 0,
  })
  expect(new Map([...kept].map(([k, v]) => [k, near(v)]))).toEqual(
    new Map([...want].map(([k, v]) => [k, near(v)])),
  )
}

/** Every figure equals the old one, for ranges drawn from `random`. */
function expectFigures(l: Ledger, random: () => number): void {
  const p = l.prepare
  const day = (n: number) => localMidnight(addDays(localDay(T0), n))
  const anyMoment = () =>
    random() < 0.5 ? day(Math.floor(random() * 8) - 1) : T0 + Math.floor(random() * WINDOW)
  for (let i = 0; i < 6; i++) {
    const from = anyMoment()
    const until = random() < 0.3 ? undefined : from + Math.floor(random() * 3 * 86_400_000)
    expect(chargedByDay(l, from, until)).toEqual(refByDay(p, from, until))
    expect(chargedByModel(l, from, until)).toEqual(refByModel(p, from, until))
    expect(committedSince(l, from)).toEqual(refCommitted(p, from))
  }
  // Within one quarter hour, and a range that ends before it starts.
  const inside = T0 + 40 * QUARTER + 1_000
  expect(chargedByDay(l, inside, inside + 300_000)).toEqual(refByDay(p, inside, inside + 300_000))
  expect(chargedByModel(l, inside, inside - 5)).toEqual(refByModel(p, inside, inside - 5))
  const now = T0 + Math.floor(random() * WINDOW)
  const budget = { ...DEFAULT_BUDGET, dailyUnits: 10 }
  expect(spendSummary(l, budget, now)).toEqual(refSummary(p, budget, now))
}

/** Both checks, after every 50 changes of a random run. */
const check = (random: () => number) => {
  expectBuckets(ledger)
  expectFigures(ledger, random)
}

/** A long run made what it means to test. */
function expectRich(): void {
  // The run made what it means to test: charges, unreported and unknown jobs, several models,
  // extensions counted for their root's model.
  const kept = ledger.db
    .prepare(
      `SELECT sum(tasks) AS tasks, sum(unknown) AS unknown, total(unreported) AS unreported,
         count(DISTINCT model) AS models FROM spend_buckets WHERE span = 96`,
    )
    .get() as { tasks: number; unknown: number; unreported: number; models: number }
  expect(kept.tasks).toBeGreaterThan(40)
  expect(kept.unknown).toBeGreaterThan(0)
  expect(kept.unreported).toBeGreaterThan(0)
  expect(kept.models).toBeGreaterThan(4)
  const extensions = ledger.db
    .prepare(
      `SELECT count(*) AS n FROM jobs WHERE kind = 'video-extend' AND price_model <> 'kling-v1'
         AND units IS NOT NULL`,
    )
    .get() as { n: number }
  expect(extensions.n).toBeGreaterThan(0)
}

describe('the kept sums', () => {
  // Midnight on the hour (Jakarta, UTC+7), the half hour (St John's, -3:30 with summer time),
  // the three-quarter hour (Kathmandu, +5:45), a half-hour change of clocks (Lord Howe), UTC.
  const zones = ['Asia/Jakarta', 'America/St_Johns', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'UTC']
  for (const [i, zone] of zones.entries()) {
    it(`equal a recount and the old figures after a random run (${zone})`, () => {
      process.env.TZ = zone
      open('history.db', () => T0 + WINDOW / 2)
      randomOps(ledger, 100 + i, 600, check)
      expectRich()
    })
  }

  it('split a day at local midnight to the millisecond (Jakarta and Kathmandu)', () => {
    for (const zone of ['Asia/Jakarta', 'Asia/Kathmandu']) {
      process.env.TZ = zone
      open(`${zone.replace('/', '-')}.db`)
      const midnight = localMidnight('2026-11-02')
      expect(midnight % QUARTER).toBe(0)
      const charge = (at: number, units: string) => {
        const job = ledger.create({
          request: { prompt: 'x' },
          externalTaskId: `ks-${at}`,
          createdAt: at,
        })
        ledger.update(job.id, { state: 'done', units })
      }
      charge(midnight - 1, '2')
      charge(midnight, '3.5')
      charge(midnight + QUARTER - 1, '1')
      const days = chargedByDay(ledger, localMidnight('2026-11-01'))
      expect(days).toEqual([
        { start: '2026-11-01', units: 2, tasks: 1 },
        { start: '2026-11-02', units: 4.5, tasks: 2 },
      ])
      expect(days).toEqual(refByDay(ledger.prepare, localMidnight('2026-11-01')))
      // A range that starts a millisecond after midnight leaves the job at midnight out.
      expect(chargedByDay(ledger, midnight + 1)).toEqual([
        { start: '2026-11-02', units: 1, tasks: 1 },
      ])
    }
  })
})

/** The figures a history gives, by the reference, for a few ranges and the summary. */
function figures(db: DatabaseSync, now: number) {
  const p = (sql: string) => db.prepare(sql)
  const budget = { ...DEFAULT_BUDGET, dailyUnits: 10, monthlyUnits: 100 }
  const from = localMidnight(localDay(T0))
  return {
    summary: refSummary(p, budget, now),
    days: refByDay(p, from),
    models: refByModel(p, from + 7_654_321),
    committed: refCommitted(p, from + 7_654_321),
  }
}

describe('the way from a UTC midnight to a local one', () => {
  it('is a few buckets in every zone, every day of a year, and lands on the midnight', () => {
    const zones = ['UTC', 'Asia/Jakarta', 'America/Los_Angeles', 'Asia/Kolkata', 'Asia/Kathmandu']
    zones.push('Australia/Adelaide', 'America/St_Johns', 'Pacific/Chatham', 'Pacific/Marquesas')
    for (const zone of zones) {
      process.env.TZ = zone
      for (let day = '2026-01-01'; day < '2027-01-01'; day = addDays(day, 1)) {
        const q = localMidnight(day) / QUARTER
        const { day: from, steps } = towards(q)
        expect(from % 96).toBe(0)
        expect(steps.reduce((at, [sign, span]) => at + sign * span, from)).toBe(q)
        expect(steps.length).toBeLessThanOrEqual(4)
      }
    }
  })
})

describe('a history written before the sums (schema 5)', () => {
  it('is priced and filled once on opening, and gives the figures it gave before', () => {
    process.env.TZ = 'Asia/Jakarta'
    const file = join(dir, 'old.db')
    const raw = new DatabaseSync(file)
    migrate(raw, 5)
    // Jobs as that release wrote them: no estimate, no price model, no sums.
    const insert = raw.prepare(
      `INSERT INTO jobs (rowid, id, external_task_id, state, kind, parent_job_id, request_json, prompt,
         model, sandbox, created_at, updated_at, units, revision)
       VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, 1)`,
    )
    const random = seededRandom(5)
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!
    for (let i = 0, at = T0; i < 400; i++, at += 1 + Math.floor(random() * 1_500_000)) {
      const extend = i > 0 && random() < 0.25
      const req = extend ? { prompt: 'more' } : request(random)
      const model = (req as { model_name?: string }).model_name ?? null
      const state = pick(STATES)
      const units = state === 'done' || state === 'failed' ? pick([...UNITS, null]) : null
      const parent = extend ? `old-${random() < 0.1 ? 'gone' : Math.floor(random() * i)}` : null
      insert.run(
        at * 1000,
        `old-${i}`,
        `ks-old-${i}`,
        state,
        extend ? 'video-extend' : 'text2video',
        parent,
        JSON.stringify(req),
        model,
        random() < 0.1 ? 1 : 0,
        at,
        at,
        units,
      )
    }
    const now = T0 + WINDOW / 2
    const before = figures(raw, now)
    expect(before.days.length).toBeGreaterThan(3)
    raw.close()

    const upgraded = open('old.db', () => now)
    const db = upgraded.db
    expect(db.prepare('SELECT count(*) AS n FROM jobs WHERE price_model IS NULL').get()).toEqual({
      n: 0,
    })
    expectBuckets(upgraded)
    expect(figures(db, now)).toEqual(before)
    const budget = { ...DEFAULT_BUDGET, dailyUnits: 10, monthlyUnits: 100 }
    expect(spendSummary(upgraded, budget, now)).toEqual(before.summary)
    expect(chargedByDay(upgraded, localMidnight(localDay(T0)))).toEqual(before.days)
    expect(chargedByModel(upgraded, localMidnight(localDay(T0)) + 7_654_321)).toEqual(before.models)
    expect(committedSince(upgraded, localMidnight(localDay(T0)) + 7_654_321)).toEqual(
      before.committed,
    )
    // The triggers keep the sums from here on.
    randomOps(ledger, 9, 150, check)
  })

  it('prices jobs an older release wrote later, on the next opening, and in chunks', () => {
    process.env.TZ = 'Asia/Kathmandu'
    const first = open('history.db', () => T0)
    randomOps(ledger, 11, 120, check)
    first.close()
    opened = opened.filter((l) => l !== first)
    // An older release, still running, writes and finishes a job: no price model, no estimate.
    const raw = new DatabaseSync(join(dir, 'history.db'))
    const at = T0 + 5 * QUARTER + 17
    raw
      .prepare(
        `INSERT INTO jobs (rowid, id, external_task_id, state, kind, request_json, prompt, model,
           created_at, updated_at, units, revision)
         VALUES (?, 'older', 'ks-older', 'done', 'text2video', ?, '', 'kling-v1-6', ?, ?, NULL, 1)`,
      )
      .run(at * 1000, JSON.stringify({ prompt: '', model_name: 'kling-v1-6', mode: 'pro' }), at, at)
    raw.close()
    const again = open('history.db', () => T0)
    expect(
      again.db.prepare("SELECT estimate, price_model FROM jobs WHERE id = 'older'").get(),
    ).toEqual({
      estimate: 3.5,
      price_model: 'kling-v1-6',
    })
    expectBuckets(again)
    // Every price forgotten and found again seven jobs at a time: the same sums.
    again.db.exec('UPDATE jobs SET estimate = NULL, price_model = NULL')
    expect(priceUnpriced(again.prepare, 7)).toBeGreaterThan(30)
    expectBuckets(again)
    expectFigures(again, seededRandom(3))
  })
})
