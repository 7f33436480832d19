import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Job } from '../../src/shared/jobs'
import { queryPathOf } from '../../src/shared/kling'
import type { Emulator } from '../../src/main/emulator/server'
import { openStudio, type StudioUnderTest } from './takes-app'

// Acceptance, in the app's services behind the real contract and bridge, against an emulator on
// loopback: with a daily cap of 10 units, Generates up to the tenth unit go, the one that would
// take the eleventh is stopped with over_budget and a clear message (nothing written, nothing
// sent; an extension and a rerun too) until the person passes the cap on purpose; and the spend
// summary's charges are exactly what the emulator reported for the tasks it finished.

let studio: StudioUnderTest

beforeEach(async () => {
  studio = await openStudio()
})
afterEach(async () => {
  await studio.close()
})

/** The units the emulator reported (GET task answers' final_unit_deduction) for these jobs. */
async function reported(emulator: Emulator, jobs: Job[]): Promise<number> {
  let sum = 0
  for (const job of jobs) {
    const res = await fetch(`${emulator.url}${queryPathOf(job.kind, job.taskId!)}`, {
      headers: { authorization: 'Bearer sk-takes-and-cancel-7788' },
    })
    const body = (await res.json()) as { data: { final_unit_deduction: string } }
    sum += Number(body.data.final_unit_deduction)
  }
  return Math.round(sum * 100) / 100
}

describe('a daily cap of 10 units in the app', () => {
  it('stops the Generate of the eleventh unit with over_budget; overBudget passes it', async () => {
    const { api, ledger, emulator } = studio
    const set = await api.settings.update({
      budget: { dailyUnits: 10, monthlyUnits: null, pricePerUnit: 0.14, currency: 'USD' },
    })
    expect(set.ok).toBe(true)
    const made: Job[] = []
    const generate = async (input: Parameters<typeof api.tasks.create>[0]) => {
      const res = await api.tasks.create(input)
      if (res.ok) made.push(...res.data)
      return res
    }
    // 2 takes of kling-v1 pro 5 s (3.5 each) and 3 of std (1 each): 10 units, all allowed.
    expect((await generate({ request: { prompt: 'two in pro', mode: 'pro' }, takes: 2 })).ok).toBe(
      true,
    )
    expect((await generate({ request: { prompt: 'three in std' }, takes: 3 })).ok).toBe(true)
    expect(made).toHaveLength(5)

    const before = { jobs: ledger.list({}).total }
    const refused = await generate({ request: { prompt: 'the eleventh unit' } })
    expect(refused).toEqual({
      ok: false,
      error: {
        code: 'over_budget',
        message:
          "This would take about 1 unit; 10 of today's cap of 10 units are already charged or on their way. Confirm to send it anyway, or raise the cap in Settings.",
      },
    })
    // Refused whole: nothing written, nothing sent.
    expect(ledger.list({}).total).toBe(before.jobs)

    // Every job to its end: charged now, not waiting, and still at the cap.
    const done = await Promise.all(made.map((j) => studio.until(j.id, ['done'])))
    expect(emulator.tasks().length).toBe(5) // only the five allowed were ever sent
    const extend = await api.tasks.extend({ id: done[2]!.id, prompt: 'and then' })
    expect(extend.ok || extend.error.code).toBe('over_budget')
    const rerun = await api.tasks.rerun({ id: done[0]!.id, changes: { mode: 'std' } })
    expect(rerun.ok || rerun.error.code).toBe('over_budget')
    expect(ledger.list({}).total).toBe(before.jobs)

    // The person confirms: it goes.
    const passed = await generate({ request: { prompt: 'passed on purpose' }, overBudget: true })
    expect(passed.ok).toBe(true)
    await studio.until(made.at(-1)!.id, ['done'])
    const finished = await Promise.all(made.map((j) => studio.until(j.id, ['done'])))

    // The summary: exactly the emulator's charges, and the caps with today's commitment.
    const charged = await reported(emulator, finished)
    expect(charged).toBe(11)
    const summary = await api.spend.summary()
    if (!summary.ok) throw new Error(summary.error.message)
    const s = summary.data
    expect(s.committed.day).toEqual({ charged, pending: 0, unknown: 0 })
    expect(s.committed.month.charged).toBe(charged)
    expect(s.days.at(-1)).toEqual({ start: s.today, units: charged, tasks: 6 })
    expect(s.weeks.at(-1)!.units).toBe(charged)
    expect(s.months.at(-1)!.units).toBe(charged)
    expect(s.byModel).toEqual([{ model: 'kling-v1', units: charged, tasks: 6 }])
    expect(s.budget).toEqual({
      dailyUnits: 10,
      monthlyUnits: null,
      pricePerUnit: 0.14,
      currency: 'USD',
    })
  })

  it('the sandbox is never capped and never counts', async () => {
    const { api } = studio
    await api.settings.update({
      sandboxMode: true,
      budget: { dailyUnits: 1, monthlyUnits: null, pricePerUnit: null, currency: 'USD' },
    })
    const res = await api.tasks.create({ request: { prompt: 'free', mode: 'pro' }, takes: 4 })
    if (!res.ok) throw new Error(res.error.message)
    expect(res.data.every((j) => j.sandbox)).toBe(true)
    await Promise.all(res.data.map((j) => studio.until(j.id, ['done'])))
    const s = await api.spend.summary()
    expect(s.ok && s.data.committed.day).toEqual({ charged: 0, pending: 0, unknown: 0 })
  })
})
