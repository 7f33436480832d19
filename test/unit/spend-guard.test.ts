import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { VideoKind, VideoRequest } from '../../src/shared/kling'
import { DEFAULT_SETTINGS, type Budget, type Settings } from '../../src/shared/settings'
import { CallError } from '../../src/main/app/call-error'
import { SpendService, type PaidGenerate } from '../../src/main/app/spend-service'
import { Ledger } from '../../src/main/tasks/ledger'

// The cap guard in the write that adds a Generate's jobs: at a cap of 10, ten 1-unit jobs pass
// and the eleventh is refused with over_budget (what is waiting counts, not only what was
// charged); overBudget and the sandbox pass; and two connections to one history cannot both pass
// the last unit, because the check runs inside the write lock.

let dir: string
let ledger: Ledger
let budget: Budget
const NOW = Date.UTC(2026, 10, 30, 5, 0)

const settings = { get: (): Settings => ({ ...DEFAULT_SETTINGS, budget }) }

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-guard-'))
  ledger = new Ledger(join(dir, 'history.db'), () => NOW)
  budget = { ...DEFAULT_SETTINGS.budget, dailyUnits: 10 }
})
afterEach(async () => {
  ledger.close()
  await rm(dir, { recursive: true, force: true })
})

let n = 0
const paid = (over: Partial<PaidGenerate> = {}): PaidGenerate => ({
  kind: 'text2video',
  request: { prompt: 'a kite' } as VideoRequest, // kling-v1 std 5 s: 1 unit
  takes: 1,
  parentJobId: null,
  sandbox: false,
  overBudget: false,
  ...over,
})

/** One Generate through the guard, as JobService makes it: the jobs, or the guard's refusal. */
function generate(on: Ledger, spend: SpendService, g: PaidGenerate = paid()) {
  return on.createAll(
    Array.from({ length: g.takes }, () => ({
      kind: g.kind as VideoKind,
      request: g.request,
      externalTaskId: `ks-guard-${n++}`,
      sandbox: g.sandbox,
      parentJobId: g.parentJobId,
    })),
    spend.guard(g),
  )
}

const refusal = (fn: () => unknown): CallError => {
  try {
    fn()
  } catch (error) {
    if (error instanceof CallError) return error
    throw error
  }
  throw new Error('not refused')
}

describe('the budget guard', () => {
  it('a cap of 10: ten 1-unit jobs pass, the eleventh is refused; overBudget passes it', () => {
    const spend = new SpendService({ ledger, settings, now: () => NOW })
    for (let i = 0; i < 10; i++) expect(generate(ledger, spend)).toHaveLength(1)
    const e = refusal(() => generate(ledger, spend))
    expect(e.code).toBe('over_budget')
    expect(e.message).toBe(
      "This would take about 1 unit; 10 of today's cap of 10 units are already charged or on their way. Confirm to send it anyway, or raise the cap in Settings.",
    )
    expect(ledger.list({}).total).toBe(10) // nothing of the refused Generate was written
    expect(generate(ledger, spend, paid({ overBudget: true }))).toHaveLength(1)
    expect(ledger.list({}).total).toBe(11)
  })

  it('charged and waiting both count; the takes of one Generate count together', () => {
    const spend = new SpendService({ ledger, settings, now: () => NOW })
    const [first] = generate(ledger, spend, paid({ takes: 4 }))
    ledger.update(first!.id, { state: 'done', units: '3' }) // charged more than its estimate
    // 3 charged + 3 waiting: 4 takes more would make 10 (allowed), 5 would make 11.
    expect(refusal(() => generate(ledger, spend, paid({ takes: 5 }))).code).toBe('over_budget')
    expect(generate(ledger, spend, paid({ takes: 4 }))).toHaveLength(4)
  })

  it('the sandbox is never capped and never counts', () => {
    const spend = new SpendService({ ledger, settings, now: () => NOW })
    for (let i = 0; i < 12; i++) generate(ledger, spend, paid({ sandbox: true }))
    expect(generate(ledger, spend, paid({ takes: 4 }))).toHaveLength(4)
  })

  it("an extension is priced by its root's model and mode; the monthly cap too", () => {
    budget = { ...budget, dailyUnits: null, monthlyUnits: 5 }
    const spend = new SpendService({ ledger, settings, now: () => NOW })
    const [root] = generate(ledger, spend, {
      ...paid({ request: { prompt: 'p', mode: 'pro' } as VideoRequest }), // 3.5
    })
    const ext = paid({ kind: 'video-extend', request: {} as VideoRequest, parentJobId: root!.id })
    const e = refusal(() => generate(ledger, spend, ext)) // 3.5 + 3.5 > 5
    expect(e.message).toMatch(/about 3.5 units; 3.5 of this month's cap of 5 units/)
    budget = { ...budget, monthlyUnits: 7 }
    expect(generate(ledger, spend, ext)).toHaveLength(1)
  })

  it('a cost the table cannot tell is refused only while a cap is set', () => {
    const spend = new SpendService({ ledger, settings, now: () => NOW })
    const unknown = paid({ request: { prompt: 'p', model_name: 'kling-v9' } as VideoRequest })
    expect(refusal(() => generate(ledger, spend, unknown)).message).toMatch(/cost .* is unknown/)
    budget = { ...budget, dailyUnits: null }
    expect(generate(ledger, spend, unknown)).toHaveLength(1)
  })

  it('two connections to one history cannot both pass the last unit', () => {
    const other = new Ledger(join(dir, 'history.db'), () => NOW)
    try {
      // The second connection does not wait for the lock: it fails at once while the first holds it.
      other.db.exec('PRAGMA busy_timeout = 0')
      const mine = new SpendService({ ledger, settings, now: () => NOW })
      const theirs = new SpendService({ ledger: other, settings, now: () => NOW })
      for (let i = 0; i < 9; i++) generate(ledger, mine)
      let theirGuardRan = false
      const theirTry = () =>
        other.createAll(
          [{ request: { prompt: 'theirs' }, externalTaskId: `ks-theirs-${n++}` }],
          () => {
            theirGuardRan = true
            theirs.guard(paid())!()
          },
        )
      const guard = mine.guard(paid())!
      ledger.createAll([{ request: { prompt: 'mine' }, externalTaskId: `ks-mine-${n++}` }], () => {
        guard()
        // The first connection has checked and is about to write: the second cannot even check.
        expect(theirTry).toThrow(/locked|busy/i)
        expect(theirGuardRan).toBe(false)
      })
      // Once the first has written its tenth unit, the second's check sees it.
      expect(refusal(theirTry).code).toBe('over_budget')
      expect(theirGuardRan).toBe(true)
      expect(ledger.list({}).total).toBe(10)
    } finally {
      other.close()
    }
  })
})
