import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runIn, startEmulatorProcess, stopProcess } from '../fixtures/cli'

// `generate --takes N` on the command line, the built bin against an emulator: N tasks of one
// Generate, each its own job and file, one group, the app's rule for a given external id (X-1 ..
// X-N, and X spent by any Generate of it); refused before anything is written or sent when N is
// not 1-4 or --out would have to name several files; priced as N tasks by --dry-run.

let dir: string
let emulator: { url: string; child: ChildProcess }
/** One at the service's own pace: a take renders for minutes. */
let slow: { url: string; child: ChildProcess }
let env: Record<string, string>

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-cli-takes-'))
  emulator = await startEmulatorProcess(['--time-scale', '600', '--seed', '12'])
  slow = await startEmulatorProcess(['--time-scale', '1', '--seed', '13'])
  env = {
    COMETAPI_KEY: 'takes-key',
    COMETAPI_BASE_URL: emulator.url,
    KLING_STUDIO_DATA_DIR: join(dir, 'data'),
  }
})
afterAll(async () => {
  await stopProcess(emulator.child)
  await stopProcess(slow.child)
  await rm(dir, { recursive: true, force: true })
})

const cli = (args: string[]) => runIn(dir, args, env)
const tasksSent = async () =>
  ((await (await fetch(`${emulator.url}/__emulator/tasks`)).json()) as unknown[]).length

/** --json output of several takes: one line each. */
const linesOf = <T>(stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as T)

interface Printed {
  job_id: string
  external_task_id: string
  group_id: string | null
  state: string
  file: string
}

describe('generate --takes', () => {
  it('makes three takes of one Generate, each followed to its saved video', async () => {
    const before = await tasksSent()
    const r = await cli([
      'generate',
      'a heron lifts off the lake',
      '--takes',
      '3',
      '--wait',
      '--json',
    ])
    expect(r.code, r.stderr).toBe(0)
    const takes = linesOf<Printed>(r.stdout)
    expect(takes).toHaveLength(3)
    expect(takes.map((t) => t.state)).toEqual(['done', 'done', 'done'])
    expect(new Set(takes.map((t) => t.external_task_id)).size).toBe(3)
    expect(new Set(takes.map((t) => t.job_id)).size).toBe(3)
    // One Generate: one group, as the app's feed shows it.
    expect(takes[0]!.group_id).toEqual(expect.any(String))
    expect(takes.every((t) => t.group_id === takes[0]!.group_id)).toBe(true)
    for (const t of takes) expect(existsSync(t.file), t.file).toBe(true)
    expect(new Set(takes.map((t) => t.file)).size).toBe(3)
    expect(await tasksSent()).toBe(before + 3)
  })

  it('names the takes of a given id X-1 .. X-N, and X is then spent, as in the app', async () => {
    const r = await cli([
      'generate',
      'two herons',
      '--takes',
      '2',
      '--external-task-id',
      'ks-pair',
      '--json',
    ])
    expect(r.code, r.stderr).toBe(0)
    const ids = linesOf<Printed>(r.stdout).map((t) => t.external_task_id)
    expect(ids).toEqual(['ks-pair-1', 'ks-pair-2'])
    const before = await tasksSent()
    const again = await cli(['generate', 'two herons again', '--external-task-id', 'ks-pair'])
    expect(again.code).toBe(2)
    expect(again.stderr).toContain('external_task_id ks-pair-1, ks-pair-2 were already used')
    expect(await tasksSent()).toBe(before)
  })

  it('refuses a count other than 1-4, and --out with several takes, before anything is sent', async () => {
    const before = await tasksSent()
    const five = await cli(['generate', 'five herons', '--takes', '5'])
    expect(five.code).toBe(2)
    expect(five.stderr).toContain('--takes is how many takes of this Generate, 1 to 4 (got "5")')
    const out = await cli(['generate', 'two herons', '--takes', '2', '--out', join(dir, 'one.mp4')])
    expect(out.code).toBe(2)
    expect(out.stderr).toContain('--out names one file; several takes are kept in the library')
    expect(await tasksSent()).toBe(before)
    const listed = await cli(['list', '--json', '--search', 'five herons'])
    expect((JSON.parse(listed.stdout) as { total: number }).total).toBe(0)
  })

  it('prices N takes as N tasks in a dry run', async () => {
    const one = await cli(['generate', 'a heron', '--dry-run', '--json'])
    const three = await cli(['generate', 'a heron', '--dry-run', '--json', '--takes', '3'])
    expect(one.code, one.stderr).toBe(0)
    expect(three.code, three.stderr).toBe(0)
    const units = (r: { stdout: string }) =>
      JSON.parse(r.stdout) as { units: number; takes: number }
    expect(units(one).takes).toBe(1)
    expect(units(three)).toMatchObject({ takes: 3, units: units(one).units * 3 })
    // Rounded as the caps count units, not 12.600000000000001.
    const v3 = await cli(
      ['generate', 'a heron', '--dry-run', '--json', '--takes', '3', '--model', 'kling-v3'].concat([
        '--duration',
        '7',
      ]),
    )
    expect(v3.code, v3.stderr).toBe(0)
    expect(String(units(v3).units)).toMatch(/^\d+(\.\d{1,2})?$/)
    const text = await cli(['generate', 'a heron', '--dry-run', '--takes', '3'])
    expect(text.stdout).toMatch(/3 takes of about \d+(\.\d+)? each: about \d+(\.\d+)? units/)
  })
})

describe('generate --takes, taking its time', () => {
  /** A history of its own, with these settings, on the slow emulator. */
  async function place(name: string, settings: object = {}) {
    const data = join(dir, name)
    await mkdir(data, { recursive: true })
    await writeFile(join(data, 'config.json'), JSON.stringify(settings))
    return (args: string[]) =>
      runIn(dir, args, { ...env, COMETAPI_BASE_URL: slow.url, KLING_STUDIO_DATA_DIR: data })
  }
  const lines = (stdout: string) =>
    linesOf<Printed & { task_id: string | null; error?: { kind: string } }>(stdout)

  it('without --wait, leaves once the takes not sent wait only for its busy slots', async () => {
    const cli = await place('one-slot', { concurrency: 1 })
    const started = Date.now()
    const r = await cli(['generate', 'two slow herons', '--takes', '2', '--json'])
    expect(r.code, r.stderr).toBe(0)
    // Not the minutes the first take renders for.
    expect(Date.now() - started).toBeLessThan(20_000)
    const [first, second] = lines(r.stdout)
    expect(first!.task_id).toEqual(expect.any(String))
    expect(second).toMatchObject({ state: 'queued', task_id: null })
    // In words, each take says how it goes on.
    const text = await (
      await place('one-slot-text', { concurrency: 1 })
    )(['generate', 'two slow herons', '--takes', '2'])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stderr).toContain('kling-studio wait')
    expect(text.stderr).toContain('kling-studio resume')
  }, 60_000)

  it('counts every take against a spending cap: two fit, three do not', async () => {
    const cli = await place('capped', { budget: { dailyUnits: 2 } })
    const before = await (await fetch(`${slow.url}/__emulator/tasks`)).json()
    const three = await cli(['generate', 'three herons', '--takes', '3', '--mode', 'std'])
    expect(three.code).toBe(6)
    expect(three.stderr).toContain('over budget: this would take about 3 units')
    expect(await (await fetch(`${slow.url}/__emulator/tasks`)).json()).toEqual(before)
    const two = await cli(['generate', 'two herons', '--takes', '2', '--mode', 'std', '--json'])
    expect(two.code, two.stderr).toBe(0)
    expect(lines(two.stdout)).toHaveLength(2)
  }, 60_000)

  it('out of time, says every take as it is, then the timeout', async () => {
    const cli = await place('timeout')
    const r = await cli([
      'generate',
      'two slow herons',
      '--takes',
      '2',
      '--wait',
      '--timeout',
      '3s',
      '--json',
    ])
    expect(r.code).toBe(4)
    const said = lines(r.stdout)
    expect(said).toHaveLength(3)
    expect(said.slice(0, 2).map((t) => t.job_id)).toEqual([expect.any(String), expect.any(String)])
    expect(said.slice(0, 2).every((t) => t.task_id !== null && t.state !== 'done')).toBe(true)
    expect(said[2]!.error!.kind).toBe('timeout')
  }, 60_000)
})
