import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { DatabaseSync } from 'node:sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seededRandom } from '../../src/shared/seeded-random'

// Kills a real process running the core (the command line) during a create, during polling and
// during a download, then at random moments against a faulty emulator, and runs `resume` after
// each kill. At the end every job is done, no task was created twice, every file is complete and
// nothing partial is left in the library.

const BIN = resolve('bin/kling-studio.js')
let dir: string
let emulator: ChildProcess
let url: string
const env = () => ({
  PATH: process.env.PATH,
  HOME: dir,
  KLING_STUDIO_DATA_DIR: join(dir, 'data'),
  COMETAPI_KEY: 'restart-key',
  COMETAPI_BASE_URL: url,
})
const library = () => join(dir, 'Videos', 'Kling Studio')

function start(args: string[]): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] })
}

function finished(
  child: ChildProcess,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()))
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()))
  return new Promise((r) => child.once('exit', (code) => r({ code, stdout, stderr })))
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGKILL')
  await exited
}

interface Row {
  id: string
  external_task_id: string
  state: string
  task_id: string | null
}

function jobs(): Row[] {
  const db = new DatabaseSync(join(dir, 'data', 'history.db'), { readOnly: true, timeout: 5_000 })
  try {
    return db
      .prepare('SELECT id, external_task_id, state, task_id FROM jobs')
      .all() as unknown as Row[]
  } finally {
    db.close()
  }
}

async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
): Promise<void> {
  const started = Date.now()
  while (Date.now() - started < timeoutMs) {
    try {
      if (await check()) return
    } catch {
      // The ledger may not exist yet.
    }
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`timed out waiting for ${what}`)
}

const configure = (config: Record<string, unknown>) =>
  fetch(`${url}/__emulator/config`, { method: 'POST', body: JSON.stringify(config) })

async function resumeToEnd(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return finished(start(['resume', '--json', '--timeout', '2m']))
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-restart-'))
  // Videos trickle out at 40 kB/s, so a download lasts long enough to be interrupted.
  emulator = spawn(
    process.execPath,
    [
      BIN,
      'emulator',
      '--port',
      '0',
      '--time-scale',
      '400',
      '--seed',
      '21',
      '--download-kbps',
      '40',
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  url = await new Promise<string>((done) => {
    createInterface({ input: emulator.stdout! }).on('line', (line) => {
      const m = /listening on (http:\/\/\S+)/.exec(line)
      if (m) done(m[1]!)
    })
  })
})

afterAll(async () => {
  emulator.kill('SIGTERM')
  await rm(dir, { recursive: true, force: true })
})

describe('killing the process at any moment loses nothing and pays nothing twice', () => {
  it('during a create: the job is reconciled by its external id', async () => {
    await configure({ faultRate: 1, faultKinds: ['slow'], slowMs: 1500 })
    const child = start([
      'generate',
      'killed while creating',
      '--wait',
      '--external-task-id',
      'ks-r-create',
    ])
    const exit = finished(child)
    await until('the create to be under way', () =>
      jobs().some((j) => j.external_task_id === 'ks-r-create' && j.state === 'creating'),
    )
    await new Promise((r) => setTimeout(r, 200))
    await kill(child)
    await exit
    expect(jobs().find((j) => j.external_task_id === 'ks-r-create')!.state).toBe('creating')
    await configure({ faultRate: 0 })
    // Let the slowed POST land on the server after its client died.
    await new Promise((r) => setTimeout(r, 1500))
    const r = await resumeToEnd()
    expect(r.code, r.stderr).toBe(0)
    expect(jobs().find((j) => j.external_task_id === 'ks-r-create')!.state).toBe('done')
  })

  it('during polling: the task is tracked again', async () => {
    const child = start([
      'generate',
      'killed while polling',
      '--wait',
      '--external-task-id',
      'ks-r-poll',
    ])
    const exit = finished(child)
    await until('the task to be submitted', () =>
      jobs().some(
        (j) =>
          j.external_task_id === 'ks-r-poll' &&
          (j.state === 'submitted' || j.state === 'processing'),
      ),
    )
    await kill(child)
    await exit
    const r = await resumeToEnd()
    expect(r.code, r.stderr).toBe(0)
    expect(jobs().find((j) => j.external_task_id === 'ks-r-poll')!.state).toBe('done')
  })

  it('during a download: the partial file is resumed, never left in the library', async () => {
    const child = start([
      'generate',
      'killed while downloading',
      '--wait',
      '--external-task-id',
      'ks-r-download',
    ])
    const exit = finished(child)
    let jobId = ''
    await until('the download to have started', async () => {
      const job = jobs().find(
        (j) => j.external_task_id === 'ks-r-download' && j.state === 'downloading',
      )
      if (!job) return false
      jobId = job.id
      // Named by its job and the worker (process) writing it.
      const incoming = join(library(), '.incoming')
      const part = (await readdir(incoming)).find((n) => n.startsWith(`${jobId}.`))
      return part !== undefined && (await stat(join(incoming, part))).size > 0
    })
    await kill(child)
    await exit
    expect((await readdir(library())).filter((n) => n.endsWith('.mp4'))).not.toContainEqual(
      expect.stringContaining('downloading'),
    )
    const r = await resumeToEnd()
    expect(r.code, r.stderr).toBe(0)
    expect(jobs().find((j) => j.id === jobId)!.state).toBe('done')
  })

  it('at random moments, against 30% faults, with resume itself killed too', async () => {
    await configure({
      faultRate: 0.3,
      faultKinds: [
        'rate_limit',
        'server_500',
        'server_503',
        'reset_before_create',
        'reset_after_create',
        'malformed',
        'slow',
      ],
      slowMs: 300,
    })
    const random = seededRandom(99)
    const runs = Array.from({ length: 6 }, (_, i) =>
      start(['generate', `random kill ${i}`, '--wait', '--external-task-id', `ks-r-rand-${i}`]),
    )
    const exits = runs.map(finished)
    await Promise.all(
      runs.map(async (child) => {
        await new Promise((r) => setTimeout(r, 100 + random() * 4000))
        await kill(child)
      }),
    )
    await Promise.all(exits)
    for (let round = 0; round < 3; round++) {
      const resume = start(['resume'])
      const exit = finished(resume)
      await new Promise((r) => setTimeout(r, 300 + random() * 2500))
      await kill(resume)
      await exit
    }
    await configure({ faultRate: 0.3, slowMs: 300 })
    const r = await resumeToEnd()
    expect(r.code, r.stderr + r.stdout).toBe(0)
  })

  it('ends with every job done, one task each, complete files and nothing partial', async () => {
    const all = jobs()
    // A process killed before it wrote its job had sent nothing either: the ledger write comes
    // before any request. Every job that was written must be here, and only those on the server.
    expect(all.length).toBeGreaterThanOrEqual(6)
    expect(all.length).toBeLessThanOrEqual(9)
    expect(all.every((j) => j.state === 'done')).toBe(true)

    const tasks = (await (await fetch(`${url}/__emulator/tasks`)).json()) as {
      task_id: string
      external_task_id: string
    }[]
    expect(tasks).toHaveLength(all.length)
    expect(new Set(tasks.map((t) => t.external_task_id))).toEqual(
      new Set(all.map((j) => j.external_task_id)),
    )
    for (const job of all)
      expect(tasks.find((t) => t.external_task_id === job.external_task_id)!.task_id).toBe(
        job.task_id,
      )

    const sample = await readFile(resolve('resources/samples/16x9-5s.mp4'))
    const names = await readdir(library())
    const videos = names.filter((n) => n.endsWith('.mp4'))
    expect(videos).toHaveLength(all.length)
    for (const name of videos)
      expect(Buffer.compare(await readFile(join(library(), name)), sample)).toBe(0)
    expect(names.filter((n) => n.endsWith('.json'))).toHaveLength(all.length)
    expect(names.filter((n) => /\.(part|tmp)$/.test(n))).toEqual([])
    expect(await readdir(join(library(), '.incoming'))).toEqual([])
  })

  it('wrote the key nowhere: not in the data folder, the library, or any output', async () => {
    const files: string[] = []
    const walk = async (d: string) => {
      for (const entry of await readdir(d, { withFileTypes: true })) {
        const p = join(d, entry.name)
        if (entry.isDirectory()) await walk(p)
        else files.push(p)
      }
    }
    await walk(dir)
    for (const file of files)
      expect((await readFile(file)).includes('restart-key'), file).toBe(false)
    const listing = await finished(start(['list', '--json']))
    expect(listing.stdout).not.toContain('restart-key')
    expect((JSON.parse(listing.stdout) as { total: number }).total).toBe(jobs().length)
  })
})
