import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryPathOf, type VideoKind } from '../../src/shared/kling'
import { runIn, startEmulatorProcess, stopProcess } from '../fixtures/cli'

// Acceptance on the command line, the built bin against an emulator started through it: with a
// daily cap of 10 units (set with `kling-studio budget`), generates up to the tenth unit go, the
// one that would take the eleventh is stopped with exit 6 and one sentence on stderr, nothing
// created or sent (an extend too), until --over-budget; several processes racing for the last
// units cannot all pass; and `spend --json` is exactly what the emulator charged.

let dir: string
let emulator: { url: string; child: ChildProcess }
let env: Record<string, string>

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-cli-spend-'))
  emulator = await startEmulatorProcess(['--time-scale', '600', '--seed', '21'])
  env = { COMETAPI_KEY: 'spend-key', COMETAPI_BASE_URL: emulator.url }
})
afterAll(async () => {
  await stopProcess(emulator.child)
  await rm(dir, { recursive: true, force: true })
})

const cli = (args: string[]) => runIn(dir, args, env)

interface EmulatedTask {
  task_id: string
  kind: VideoKind
  task_status: string
}
const emulated = async () =>
  (await (await fetch(`${emulator.url}/__emulator/tasks`)).json()) as EmulatedTask[]
const jobsInHistory = async () =>
  (JSON.parse((await cli(['list', '--json', '--limit', '500'])).stdout) as { total: number }).total

/** The sum of final_unit_deduction the emulator reports (GET task) for every task it finished. */
async function emulatorCharges(): Promise<number> {
  let sum = 0
  for (const t of await emulated()) {
    const res = await fetch(`${emulator.url}${queryPathOf(t.kind, t.task_id)}`, {
      headers: { authorization: `Bearer ${env.COMETAPI_KEY}` },
    })
    const { data } = (await res.json()) as { data: { final_unit_deduction?: string } }
    expect(data.final_unit_deduction).toEqual(expect.any(String))
    sum += Number(data.final_unit_deduction)
  }
  return Math.round(sum * 100) / 100
}

async function generated(
  args: string[],
): Promise<{ job_id: string; final_unit_deduction: string }> {
  const r = await cli(['generate', ...args, '--wait', '--json'])
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as { job_id: string; final_unit_deduction: string }
}

describe('a daily cap of 10 units on the command line', () => {
  let first: { job_id: string }

  it('budget sets the cap and the price in the settings file', async () => {
    const r = await cli([
      'budget',
      '--daily',
      '10',
      '--price',
      '0.14',
      '--currency',
      'usd',
      '--json',
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({
      dailyUnits: 10,
      monthlyUnits: null,
      pricePerUnit: 0.14,
      currency: 'USD',
    })
    const bad = await cli(['budget', '--daily', 'lots'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--daily must be a number from 0 to 1000000 \(got "lots"\)/)
    expect((await cli(['budget', '--monthly', '0'])).stderr).toMatch(/above 0 \(or "off"/)
  })

  it('ten units go; the eleventh is stopped with exit 6, nothing created; --over-budget passes', async () => {
    // kling-v1 pro 5 s is 3.5 units, std 1: 3.5 + 3.5 + 1 + 1 + 1 = 10.
    // All five at once: together they reach the cap, not above it.
    const five = await Promise.all([
      generated(['two in pro', '--mode', 'pro']),
      generated(['two in pro, again', '--mode', 'pro']),
      ...[1, 2, 3].map((i) => generated([`std ${i}`])),
    ])
    first = five[0]
    expect(five.map((j) => j.final_unit_deduction)).toEqual(['3.5', '3.5', '1', '1', '1'])
    const before = { jobs: await jobsInHistory(), tasks: (await emulated()).length }

    const dry = await cli(['generate', 'the eleventh unit', '--dry-run'])
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.stdout).toContain('about 1 unit (about 0.14 USD)')
    expect(dry.stdout).toContain(
      "Caps: today 10 of 10 units charged or on their way; it would pass today's cap and be stopped",
    )

    const refused = await cli(['generate', 'the eleventh unit', '--wait'])
    expect(refused.code).toBe(6)
    expect(refused.stdout).toBe('')
    expect(refused.stderr).toBe(
      "kling-studio: over budget: this would take about 1 unit, and 10 of today's cap of 10 units are already charged or on their way. Nothing was sent. Add --over-budget to send it anyway, or raise the cap (kling-studio budget --daily N).\n",
    )
    const json = await cli(['generate', 'the eleventh unit', '--json'])
    expect(json.code).toBe(6)
    expect(JSON.parse(json.stdout)).toMatchObject({
      error: { kind: 'over_budget', cap_reason: 'daily', cap: 10, committed: 10, adding: 1 },
    })
    const extend = await cli(['extend', first.job_id, 'and then'])
    expect(extend.code).toBe(6)
    expect(extend.stderr).toMatch(/^kling-studio: over budget: this would take about 3.5 units/)
    expect(await jobsInHistory()).toBe(before.jobs)
    expect((await emulated()).length).toBe(before.tasks)

    const passed = await generated(['passed on purpose', '--over-budget'])
    expect(passed.final_unit_deduction).toBe('1')
  })

  it('processes racing for the last units: only as many pass as the cap allows', async () => {
    // 11 committed; a cap of 13 leaves two 1-unit jobs for four processes.
    expect((await cli(['budget', '--daily', '13'])).code).toBe(0)
    const runs = await Promise.all(
      [1, 2, 3, 4].map((i) => cli(['generate', `racer ${i}`, '--wait', '--json'])),
    )
    expect(runs.map((r) => r.code).sort()).toEqual([0, 0, 6, 6])
  })

  it('spend --json is exactly what the emulator charged', async () => {
    const charged = await emulatorCharges()
    expect(charged).toBe(13)
    const r = await cli(['spend', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const s = JSON.parse(r.stdout) as {
      units: number
      tasks: number
      money: { amount: number; currency: string }
      periods: { units: number }[]
      models: { model: string; units: number; tasks: number }[]
      committed: { day: { charged: number; pending: number } }
    }
    expect(s.units).toBe(charged)
    expect(s.tasks).toBe((await emulated()).length)
    expect(s.money).toEqual({ amount: Math.round(charged * 0.14 * 100) / 100, currency: 'USD' })
    expect(s.periods).toHaveLength(30)
    expect(s.periods.at(-1)!.units).toBe(charged)
    expect(s.models).toEqual([
      { model: 'kling-v1', units: charged, tasks: s.tasks, money: s.money },
    ])
    expect(s.committed.day).toEqual({ charged, pending: 0, unknown: 0 })

    const text = await cli(['spend', '--by', 'model'])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toContain(`${charged} units, ${s.tasks} tasks, 1.82 USD`)
    expect(text.stdout).toMatch(/kling-v1\s+13\s+8\s+1\.82/)
    expect(text.stdout).toContain('today: 13 of 13 units (13 charged, 0 on their way)')
    // A week that began before --since counts only from it, and says so.
    const d = new Date()
    d.setDate(d.getDate() - ((d.getDay() + 6) % 7) - 5) // last week's Wednesday
    const wednesday = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
    const weeks = await cli(['spend', '--since', wednesday, '--by', 'week', '--json'])
    const w = JSON.parse(weeks.stdout) as { periods: { start: string; from?: string }[] }
    expect(w.periods[0]!.from).toBe(wednesday)
    expect(w.periods[0]!.start < wednesday).toBe(true)
    expect(w.periods[1]).not.toHaveProperty('from')
    const weekText = await cli(['spend', '--since', wednesday, '--by', 'week'])
    expect(weekText.stdout).toContain(`${w.periods[0]!.start} (from ${wednesday})`)
    const bad = await cli(['spend', '--since', 'yesterday'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--since must be a day \(YYYY-MM-DD\) or 7d, 4w, 3m/)
  })
})
