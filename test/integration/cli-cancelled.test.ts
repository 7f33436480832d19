import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Ledger } from '../../src/main/tasks/ledger'
import { runIn, startEmulatorProcess, startIn, stopProcess } from '../fixtures/cli'

// A command-line job cancelled from the app while it waits to be sent: the built bin runs
// `generate --wait` against an emulator that refuses every create with 429/1302 ("too many
// requests": nothing is created, so the job goes back in line, exactly as after a 1303), and the
// test removes the queued job from the history the way the app's Cancel does (Ledger.removeQueued,
// from another process). The command ends with its own exit code and one plain sentence.

let dir: string
let emulator: { url: string; child: ChildProcess }

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-cli-cancelled-'))
  emulator = await startEmulatorProcess(['--time-scale', '600', '--seed', '8'])
  // Every create is refused as "too many requests": the job waits in line between tries.
  const res = await fetch(`${emulator.url}/__emulator/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ faultRate: 1, faultKinds: ['rate_limit'] }),
  })
  expect(res.status).toBe(200)
})
afterAll(async () => {
  await stopProcess(emulator.child)
  await rm(dir, { recursive: true, force: true })
})

const pause = () => new Promise((r) => setTimeout(r, 25))

/** Runs generate --wait and, once its job is back in line after a refusal, cancels it as the app does. */
async function cancelledFromApp(name: string, extra: string[] = []) {
  const data = join(dir, name)
  const external = `ks-cancelled-${name}`
  const cli = startIn(
    dir,
    [
      'generate',
      `a job cancelled in the app (${name})`,
      '--wait',
      '--external-task-id',
      external,
      ...extra,
    ],
    { COMETAPI_KEY: 'cancel-key', COMETAPI_BASE_URL: emulator.url, KLING_STUDIO_DATA_DIR: data },
  )
  // The history exists once the job is written (its id is printed after that, or with --json
  // the file is there before the first refusal comes back).
  for (let i = 0; i < 4000 && !existsSync(join(data, 'history.db')); i++) await pause()
  const ledger = new Ledger(join(data, 'history.db'))
  let removed = false
  try {
    for (let i = 0; i < 4000 && !removed; i++) {
      const job = ledger.byExternalId(external)
      // Refused at least once (its error is the 1302) and back in line: what the app can cancel.
      if (job?.state === 'queued' && job.error?.code === '1302')
        removed = ledger.removeQueued(job.id).removed
      if (!removed) await pause()
    }
  } finally {
    ledger.close()
  }
  expect(removed).toBe(true)
  return cli.done
}

describe('a command-line job cancelled in the app before it was sent', () => {
  it('ends with exit code 5 and one sentence, no stack trace', async () => {
    const r = await cancelledFromApp('text')
    expect(r.code, r.stderr).toBe(5)
    const job = /^Job (\S+) \(text2video/m.exec(r.stderr)![1]!
    expect(r.stderr).toContain(
      `kling-studio: job ${job} was cancelled in another window or process before it was sent; nothing was charged\n`,
    )
    expect(r.stderr).not.toMatch(/unexpected error|TypeError|\n\s+at /)
    expect(r.stdout).toBe('')
    // Nothing was ever created on the service: every create was refused.
    const tasks = (await (await fetch(`${emulator.url}/__emulator/tasks`)).json()) as unknown[]
    expect(tasks).toEqual([])
  })

  it('with --json: the same, as one JSON error on stdout', async () => {
    const r = await cancelledFromApp('json', ['--json'])
    expect(r.code, r.stderr).toBe(5)
    const printed = JSON.parse(r.stdout) as { error: Record<string, unknown> }
    expect(printed).toEqual({
      error: {
        kind: 'cancelled',
        status: null,
        code: null,
        message: expect.stringMatching(
          /^job \S+ was cancelled in another window or process before it was sent; nothing was charged$/,
        ),
        request_id: null,
      },
    })
    expect(r.stderr).not.toMatch(/unexpected error|TypeError|\n\s+at /)
  })

  it('resume goes on when a job it follows is cancelled elsewhere, and says so', async () => {
    const data = join(dir, 'resume')
    await mkdir(data, { recursive: true })
    const seed = new Ledger(join(data, 'history.db'))
    const job = seed.create({ request: { prompt: 'left to resume' }, externalTaskId: 'ks-resumed' })
    seed.close()
    const cli = startIn(dir, ['resume', '--timeout', '2m'], {
      COMETAPI_KEY: 'cancel-key',
      COMETAPI_BASE_URL: emulator.url,
      KLING_STUDIO_DATA_DIR: data,
    })
    const ledger = new Ledger(join(data, 'history.db'))
    let removed = false
    try {
      for (let i = 0; i < 4000 && !removed; i++) {
        const now = ledger.get(job.id)
        if (now?.state === 'queued' && now.error?.code === '1302')
          removed = ledger.removeQueued(job.id).removed
        if (!removed) await pause()
      }
    } finally {
      ledger.close()
    }
    expect(removed).toBe(true)
    const r = await cli.done
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain('1 job(s) left the history while this ran')
    expect(r.stderr).not.toMatch(/unexpected error|TypeError|\n\s+at /)
  })
})

describe('an external id is spent by any Generate of it', () => {
  it('refuses --external-task-id X after the app made X-1..X-N, before anything is sent', async () => {
    const data = join(dir, 'family')
    await mkdir(data, { recursive: true })
    const seed = new Ledger(join(data, 'history.db'))
    seed.create({ request: { prompt: 'a take' }, externalTaskId: 'ks-family-2' })
    seed.close()
    const r = await runIn(
      dir,
      ['generate', 'the same Generate again', '--external-task-id', 'ks-family'],
      {
        COMETAPI_KEY: 'family-key',
        COMETAPI_BASE_URL: emulator.url,
        KLING_STUDIO_DATA_DIR: data,
      },
    )
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toContain('external_task_id ks-family-2 was already used')
  })
})
