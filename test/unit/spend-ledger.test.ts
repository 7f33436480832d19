import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { JobState } from '../../src/shared/jobs'
import type { VideoKind, VideoRequest } from '../../src/shared/kling'
import { DEFAULT_BUDGET, type Budget } from '../../src/shared/settings'
import { localMidnight } from '../../src/shared/spend'
import { Ledger } from '../../src/main/tasks/ledger'
import {
  chargedByDay,
  chargedByModel,
  committedSince,
  spendSummary,
} from '../../src/main/tasks/ledger-spend'

// The history's money, on a real SQLite file: charged units by LOCAL day (Jakarta, UTC+7, so a
// local day and a UTC day differ), by model (an extension counts for its root's model), what a
// period has committed (charged, plus estimates of jobs that may still cost), sandbox never.

let dir: string
let ledger: Ledger
let tz: string | undefined
// Monday 30 November 2026, 12:00 in Jakarta.
const NOW = Date.UTC(2026, 10, 30, 5, 0)

beforeAll(() => {
  tz = process.env.TZ
  process.env.TZ = 'Asia/Jakarta'
})
afterAll(() => {
  if (tz === undefined) delete process.env.TZ
  else process.env.TZ = tz
})
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-spend-'))
  ledger = new Ledger(join(dir, 'history.db'), () => NOW)
})
afterEach(async () => {
  ledger.close()
  await rm(dir, { recursive: true, force: true })
})

let n = 0
/** A job made at a Jakarta wall-clock time (UTC+7), in a state, perhaps charged. */
function job(
  at: string,
  o: {
    request?: Record<string, unknown>
    kind?: VideoKind
    units?: string
    state?: JobState
    sandbox?: boolean
    parent?: string
  } = {},
) {
  const createdAt = Date.parse(`${at}:00+07:00`)
  const made = ledger.create({
    kind: o.kind ?? 'text2video',
    request: (o.request ?? { prompt: `job ${n}` }) as unknown as VideoRequest,
    externalTaskId: `ks-spend-${n++}`,
    createdAt,
    sandbox: o.sandbox,
    parentJobId: o.parent ?? null,
  })
  const state = o.state ?? (o.units !== undefined ? 'done' : 'queued')
  if (state !== 'queued' || o.units !== undefined)
    ledger.update(made.id, { state, units: o.units ?? null })
  return made
}

describe('charged by local day', () => {
  it('splits at local midnight, not UTC; sandbox, uncharged and older jobs left out', () => {
    job('2026-11-28T12:00', { units: '9' }) // before the range
    job('2026-11-29T23:30', { units: '2' }) // 16:30 UTC on the 29th
    job('2026-11-30T00:30', { units: '3.5' }) // 17:30 UTC on the 29th: the same UTC day
    job('2026-11-30T08:00', { units: '0.6' })
    job('2026-11-30T09:00', { units: '5', sandbox: true })
    job('2026-11-30T10:00') // queued: nothing charged yet
    job('2026-11-30T10:30', { state: 'failed' })
    expect(chargedByDay(ledger, localMidnight('2026-11-29'))).toEqual([
      { start: '2026-11-29', units: 2, tasks: 1 },
      { start: '2026-11-30', units: 4.1, tasks: 2 },
    ])
    // A range's end is exclusive.
    expect(chargedByDay(ledger, localMidnight('2026-11-28'), localMidnight('2026-11-30'))).toEqual([
      { start: '2026-11-28', units: 9, tasks: 1 },
      { start: '2026-11-29', units: 2, tasks: 1 },
    ])
  })
})

describe('charged by model', () => {
  it("an extension, and an extension of it, count for the root's model; no model: the default", () => {
    const root = job('2026-11-30T08:00', {
      request: { prompt: 'a kite', model_name: 'kling-v1-6', mode: 'pro' },
      units: '3.5',
    })
    const ext = job('2026-11-30T09:00', { kind: 'video-extend', parent: root.id, units: '3.5' })
    job('2026-11-30T10:00', { kind: 'video-extend', parent: ext.id, units: '3.5' })
    job('2026-11-30T10:30', { units: '1' }) // no model_name
    job('2026-11-30T11:00', { units: '1', request: { prompt: 'x', model_name: 'kling-v2-6' } })
    job('2026-11-30T11:30', { units: '7', sandbox: true })
    expect(chargedByModel(ledger, localMidnight('2026-11-01'))).toEqual([
      { model: 'kling-v1-6', units: 10.5, tasks: 3 },
      { model: 'kling-v1', units: 1, tasks: 1 },
      { model: 'kling-v2-6', units: 1, tasks: 1 },
    ])
  })
})

describe('committed', () => {
  it('charged, plus the estimates of jobs that may still cost; unknown ones counted apart', () => {
    const root = job('2026-11-29T10:00', {
      request: { prompt: 'root', model_name: 'kling-v1-6', mode: 'pro' },
      units: '3.5',
    })
    job('2026-11-30T08:00', { units: '2' }) // charged
    job('2026-11-30T08:10', { request: { prompt: 'q', mode: 'pro' } }) // queued: 3.5
    job('2026-11-30T08:20', { state: 'creating' }) // 1
    job('2026-11-30T08:30', { state: 'submitted', request: { prompt: 's', duration: '10' } }) // 2
    job('2026-11-30T08:40', { state: 'processing' }) // 1
    job('2026-11-30T08:50', { state: 'needs_attention' }) // 1: it may have reached the service
    job('2026-11-30T09:00', { state: 'done' }) // done, no charge reported: 1
    job('2026-11-30T09:10', { state: 'failed' }) // a failed task costs none
    job('2026-11-30T09:20', { kind: 'video-extend', parent: root.id }) // priced by root: 3.5
    job('2026-11-30T09:30', { request: { prompt: 'u', model_name: 'kling-v9' } }) // unknown
    job('2026-11-30T09:40', { sandbox: true, request: { prompt: 'free', mode: 'pro' } })
    expect(committedSince(ledger, localMidnight('2026-11-30'))).toEqual({
      charged: 2,
      pending: 13,
      unknown: 1,
    })
    expect(committedSince(ledger, localMidnight('2026-11-01'))).toEqual({
      charged: 5.5,
      pending: 13,
      unknown: 1,
    })
  })
})

describe('spendSummary', () => {
  it('30 days, 12 weeks from Monday, 12 months, this month by model, and the caps', () => {
    job('2025-12-01T00:10', { units: '4' }) // the first day of the oldest month shown
    job('2025-11-30T23:50', { units: '100' }) // one minute too old for every table
    job('2026-11-01T09:00', { units: '2' })
    job('2026-11-30T09:00', { units: '1', request: { prompt: 'a', model_name: 'kling-v2-6' } })
    job('2026-11-30T09:10') // queued: pending, not charged
    const budget: Budget = { ...DEFAULT_BUDGET, dailyUnits: 10, pricePerUnit: 0.14 }
    const s = spendSummary(ledger, budget, NOW)
    expect(s.today).toBe('2026-11-30')
    expect(s.days).toHaveLength(30)
    expect(s.days[0]).toEqual({ start: '2026-11-01', units: 2, tasks: 1 })
    expect(s.days.at(-1)).toEqual({ start: '2026-11-30', units: 1, tasks: 1 })
    expect(s.weeks).toHaveLength(12)
    expect(s.weeks.at(-1)).toEqual({ start: '2026-11-30', units: 1, tasks: 1 })
    expect(s.weeks[0]!.start).toBe('2026-09-14')
    expect(s.months).toHaveLength(12)
    expect(s.months[0]).toEqual({ start: '2025-12-01', units: 4, tasks: 1 })
    expect(s.months.at(-1)).toEqual({ start: '2026-11-01', units: 3, tasks: 2 })
    expect(s.byModel).toEqual([
      { model: 'kling-v1', units: 2, tasks: 1 },
      { model: 'kling-v2-6', units: 1, tasks: 1 },
    ])
    expect(s.committed.day).toEqual({ charged: 1, pending: 1, unknown: 0 })
    expect(s.committed.month).toEqual({ charged: 3, pending: 1, unknown: 0 })
    expect(s.budget).toEqual(budget)
  })
})
