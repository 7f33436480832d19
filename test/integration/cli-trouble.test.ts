import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Ledger } from '../../src/main/tasks/ledger'
import { startEmulatorProcess, startIn, stopProcess } from '../fixtures/cli'

// The command line while another program holds the history's write lock in the middle of a take
// (the built bin against an emulator in its own process): it says so once, with when it tries
// again, and once the lock is let go the take ends as a saved video, created once.

let dir: string
let emulator: { url: string; child: ChildProcess }

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-cli-trouble-'))
  // A take renders for some seconds: time to take the lock while it runs.
  emulator = await startEmulatorProcess(['--time-scale', '20', '--seed', '31'])
})
afterAll(async () => {
  await stopProcess(emulator.child)
  await rm(dir, { recursive: true, force: true })
})

const pause = (ms = 25) => new Promise((r) => setTimeout(r, ms))

describe('the command line while the history is locked', () => {
  it('says why it waits, once, and finishes the take when the lock goes', async () => {
    const data = join(dir, 'data')
    const cli = startIn(dir, ['generate', 'a lighthouse in a storm', '--wait'], {
      COMETAPI_KEY: 'trouble-key',
      COMETAPI_BASE_URL: emulator.url,
    })
    const file = join(data, 'history.db')
    for (let i = 0; i < 4000 && !existsSync(file); i++) await pause()
    // Once the take is sent, another program takes the write lock for a few seconds.
    const ledger = new Ledger(file)
    try {
      for (let i = 0; i < 4000 && !ledger.list({ limit: 1 }).jobs[0]?.taskId; i++) await pause()
    } finally {
      ledger.close()
    }
    const holder = new DatabaseSync(file)
    holder.exec('BEGIN IMMEDIATE')
    for (let i = 0; i < 400 && !cli.stderr().includes('locked'); i++) await pause()
    holder.exec('COMMIT')
    holder.close()
    const r = await cli.done
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stderr.split('\n').filter((l) => l.includes('locked'))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(
      /^kling-studio: job [\w-]+: The history is locked by another program; trying again in \d+ s$/,
    )
    const after = new Ledger(file)
    try {
      const [job] = after.list({ limit: 5 }).jobs
      expect(job).toMatchObject({ state: 'done', taskStatus: 'succeed' })
      expect(existsSync(job!.file!)).toBe(true)
    } finally {
      after.close()
    }
    const tasks = (await (await fetch(`${emulator.url}/__emulator/tasks`)).json()) as unknown[]
    expect(tasks).toHaveLength(1)
  }, 90_000)
})
