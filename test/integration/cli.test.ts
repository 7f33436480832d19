import type { ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { probe, runIn, startEmulatorProcess, stopProcess } from '../fixtures/cli'

const run = (args: string[], env: Record<string, string | undefined> = {}) => runIn(dir, args, env)

let dir: string
let clean: { url: string; child: ChildProcess }
const env = () => ({ COMETAPI_KEY: 'cli-test-key', COMETAPI_BASE_URL: clean.url })

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-cli-'))
  clean = await startEmulatorProcess(['--time-scale', '600', '--seed', '5'])
})
afterAll(async () => {
  await stopProcess(clean.child)
  await rm(dir, { recursive: true, force: true })
})

describe('kling-studio command line', () => {
  it('generate --wait --out saves a real MP4 of the requested shape and duration', async () => {
    const out = join(dir, 'portrait.mp4')
    const r = await run(
      [
        'generate',
        'A lighthouse at dusk',
        '--aspect-ratio',
        '9:16',
        '--duration',
        '10',
        '--wait',
        '--out',
        out,
        '--json',
      ],
      env(),
    )
    expect(r.code, r.stderr).toBe(0)
    const task = JSON.parse(r.stdout) as Record<string, unknown>
    expect(task).toMatchObject({ task_status: 'succeed', file: out })
    expect(typeof task.task_id).toBe('string')
    expect(typeof task.external_task_id).toBe('string')
    expect(task.request_id).toBeTruthy()
    const info = await probe(out)
    expect(info.width / info.height).toBeCloseTo(9 / 16, 2)
    expect(info.duration).toBeGreaterThan(9.5)
    expect(info.duration).toBeLessThan(10.5)

    const square = join(dir, 'square.mp4')
    const r2 = await run(['generate', 'A cube', '--aspect-ratio', '1:1', '--out', square], env())
    expect(r2.code, r2.stderr).toBe(0)
    expect(r2.stdout).toContain(`Saved to ${square}`)
    const info2 = await probe(square)
    expect(info2.width).toBe(info2.height)
    expect(info2.duration).toBeLessThan(5.5)
  })

  it('status, status --external-task-id, wait and download follow one task', async () => {
    const created = await run(
      ['generate', 'A red kite', '--external-task-id', 'ks-cli-follow', '--json'],
      env(),
    )
    expect(created.code, created.stderr).toBe(0)
    const task = JSON.parse(created.stdout) as {
      task_id: string
      task_status: string
      external_task_id: string
    }
    expect(task.task_status).toBe('submitted')
    expect(task.external_task_id).toBe('ks-cli-follow')

    const byExternal = await run(['status', '--external-task-id', 'ks-cli-follow', '--json'], env())
    expect(byExternal.code).toBe(0)
    expect(JSON.parse(byExternal.stdout)).toMatchObject({ task_id: task.task_id })

    const waited = await run(['wait', task.task_id, '--timeout', '1m', '--json'], env())
    expect(waited.code, waited.stderr).toBe(0)
    expect(JSON.parse(waited.stdout)).toMatchObject({
      task_id: task.task_id,
      task_status: 'succeed',
    })

    const status = await run(['status', task.task_id], env())
    expect(status.code).toBe(0)
    expect(status.stdout).toContain(`Task ${task.task_id}: succeed`)

    const out = join(dir, 'kite.mp4')
    const dl = await run(['download', task.task_id, '--out', out], env())
    expect(dl.code, dl.stderr).toBe(0)
    expect((await readFile(out)).toString('latin1', 4, 8)).toBe('ftyp')
  })

  it('a failed task exits 1 with its message', async () => {
    const r = await run(['generate', 'forbidden [fail] scene', '--wait', '--json'], env())
    expect(r.code).toBe(1)
    const task = JSON.parse(r.stdout) as { task_status: string; task_status_msg: string }
    expect(task.task_status).toBe('failed')
    expect(task.task_status_msg).not.toBe('')
  })

  it('an API error exits 3 and carries the request id', async () => {
    const keyed = await startEmulatorProcess(['--key', 'only-this-key'])
    try {
      const r = await run(['status', '123', '--json'], {
        COMETAPI_KEY: 'another-key',
        COMETAPI_BASE_URL: keyed.url,
      })
      expect(r.code).toBe(3)
      const { error } = JSON.parse(r.stdout) as { error: Record<string, unknown> }
      expect(error).toMatchObject({ kind: 'authentication', status: 401 })
      expect(error.request_id).toBeTruthy()
      expect(r.stdout + r.stderr).not.toContain('another-key')
      const human = await run(['status', '123'], {
        COMETAPI_KEY: 'another-key',
        COMETAPI_BASE_URL: keyed.url,
      })
      expect(human.stderr).toMatch(/request id [\w-]+/)
    } finally {
      await stopProcess(keyed.child)
    }
  })

  it('an unreachable server exits 4', async () => {
    const r = await run(['status', '1', '--json'], {
      COMETAPI_KEY: 'k',
      COMETAPI_BASE_URL: 'http://127.0.0.1:9',
    })
    expect(r.code).toBe(4)
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { kind: 'network' } })
  })

  it.each([
    [
      ['generate', 'x', '--aspect-ratio', '5:4'],
      /--aspect-ratio: aspect_ratio must be one of 16:9/,
    ],
    [['generate', 'x', '--duration', '7'], /--duration: duration must be one of 5, 10/],
    [['generate', 'x', '--mode', 'turbo'], /--mode: mode must be one of std, pro/],
    [['generate', 'x', '--cfg-scale', '2'], /--cfg-scale: cfg_scale must be a number from 0 to 1/],
    [['generate', 'x', '--cfg-scale', 'high'], /--cfg-scale: cfg_scale must be a number/],
    [['generate', 'x', '--model', 'kling v1'], /--model: model_name/],
    [['generate', 'x', '--camera', 'orbit'], /--camera: camera_control must be a preset/],
    [
      ['generate', 'x', '--camera', 'simple:zoom=0'],
      /--camera: camera_control.config must have exactly one non-zero axis/,
    ],
    [
      ['generate', 'x', '--camera', 'simple:zoom=11'],
      /--camera: camera_control.config.zoom must be a number from -10 to 10/,
    ],
    [
      ['generate', 'x', '--camera', 'simple:dolly=1'],
      /--camera: camera_control.config.dolly is not a camera axis/,
    ],
    [
      ['generate', 'x', '--callback-url', 'ftp://example.com'],
      /--callback-url: callback_url must be an http/,
    ],
    [
      ['generate', 'x', '--external-task-id', 'has space'],
      /--external-task-id: external_task_id must be/,
    ],
    [
      ['generate', 'x', '--negative-prompt', 'n'.repeat(201)],
      /--negative-prompt: negative_prompt must be at most 200/,
    ],
    [['generate', 'p'.repeat(501)], /<prompt>: prompt must be 1 to 500 characters/],
    [['generate', '   '], /prompt must not be empty/],
    [['generate', 'x', '--wait', '--timeout', 'soon'], /--timeout must be a duration/],
    [['generate', 'x', '--colour', 'red'], /unknown flag --colour for generate/],
    [['generate'], /exactly one prompt/],
    [['wait'], /wait takes one task id/],
    [['download', '1'], /--out FILE/],
    [['status'], /task id, or --external-task-id/],
    [['emulator', '--port', 'abc'], /--port must be a whole number/],
    [['emulator', '--fault-rate', '1.5'], /--fault-rate must be a number from 0 to 1/],
    [['explode'], /unknown command "explode"/],
  ])('%j exits 2 naming the field', async (args, message) => {
    const r = await run(args as string[], env())
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
  })

  it('without a key it says how to set one', async () => {
    const r = await run(['status', '1'], { COMETAPI_BASE_URL: clean.url })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('COMETAPI_KEY')
  })

  it('twelve parallel generate --wait --out runs against 30% faults create exactly twelve tasks', async () => {
    const faulty = await startEmulatorProcess([
      '--time-scale',
      '600',
      '--fault-rate',
      '0.3',
      '--seed',
      '42',
    ])
    try {
      const runs = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          run(['generate', `Parallel scene ${i}`, '--out', join(dir, `par-${i}.mp4`), '--json'], {
            COMETAPI_KEY: 'k',
            COMETAPI_BASE_URL: faulty.url,
          }),
        ),
      )
      for (const r of runs) expect(r.code, r.stderr + r.stdout).toBe(0)
      const tasks = (await (await fetch(`${faulty.url}/__emulator/tasks`)).json()) as {
        external_task_id: string
        task_status: string
      }[]
      expect(tasks).toHaveLength(12)
      const ids = runs.map(
        (r) => (JSON.parse(r.stdout) as { external_task_id: string }).external_task_id,
      )
      expect(new Set(ids).size).toBe(12)
      expect(new Set(tasks.map((t) => t.external_task_id))).toEqual(new Set(ids))
      for (let i = 0; i < 12; i++) {
        const file = join(dir, `par-${i}.mp4`)
        expect((await stat(file)).size).toBeGreaterThan(1000)
        const info = await probe(file)
        expect(info.width / info.height).toBeCloseTo(16 / 9, 2)
      }
    } finally {
      await stopProcess(faulty.child)
    }
  }, 180_000)

  it('the emulator command stops cleanly on SIGTERM', async () => {
    const e = await startEmulatorProcess([])
    expect((await fetch(`${e.url}/__emulator/tasks`)).status).toBe(200)
    expect(await stopProcess(e.child)).toBe(0)
  })
})
