import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  BIN,
  pathWithBin,
  runIn,
  runShell,
  startEmulatorProcess,
  stopProcess,
} from '../fixtures/cli'

// The command line's manners, through the built bin as a person runs it: the emulator's own
// data folder, flag suggestions, a closed pipe, a busy port, the command that follows a task,
// a failure said once, and a dry run that prices a request without sending it.

let dir: string
let emulator: { url: string; child: ChildProcess; output: Promise<string[]> }
const env = () => ({ COMETAPI_KEY: 'polish-key', COMETAPI_BASE_URL: emulator.url })
const run = (args: string[], extra: Record<string, string | undefined> = env()) =>
  runIn(dir, args, extra)
const count = (text: string, part: string) => text.split(part).length - 1
const tasksOnServer = async () =>
  ((await (await fetch(`${emulator.url}/__emulator/tasks`)).json()) as unknown[]).length

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-cli-polish-'))
  emulator = await startEmulatorProcess(['--time-scale', '600', '--seed', '3'])
})
afterAll(async () => {
  await stopProcess(emulator.child)
  await rm(dir, { recursive: true, force: true })
})

describe('the emulator never touches the real history and library', () => {
  it('prints a command with a data folder of its own, which keeps every job there', async () => {
    const own = await startEmulatorProcess(['--time-scale', '600', '--seed', '4'])
    const home = await mkdtemp(join(tmpdir(), 'kling-home-'))
    try {
      const lines = await own.output
      const example = lines.find((l) => l.includes('kling-studio generate'))!.trim()
      const data = /--data (\S+)/.exec(example)![1]!
      expect(example).toContain(`--base-url ${own.url}`)
      // Pasted into a shell whose HOME is the person's: no KLING_STUDIO_DATA_DIR, no key.
      const r = await runShell(example, { PATH: await pathWithBin(home), HOME: home })
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toMatch(/: done \(task \d+\)/)
      expect(existsSync(join(data, 'history.db'))).toBe(true)
      const videos = (await readdir(join(data, 'library'), { recursive: true })).filter((f) =>
        f.endsWith('.mp4'),
      )
      expect(videos).toHaveLength(1)
      // Nothing in the person's own folders: the app's data folder and videos folder.
      expect(existsSync(join(home, '.config'))).toBe(false)
      expect(existsSync(join(home, 'Videos'))).toBe(false)
      expect(await stopProcess(own.child)).toBe(0)
      expect(existsSync(data)).toBe(true) // jobs were made in it: kept
      await rm(data, { recursive: true, force: true })
    } finally {
      await stopProcess(own.child)
      await rm(home, { recursive: true, force: true })
    }
  })

  it('removes its folder when it stops unused', async () => {
    const idle = await startEmulatorProcess([])
    const data = /--data (\S+)/.exec((await idle.output).join('\n'))![1]!
    expect(existsSync(data)).toBe(true)
    expect(await stopProcess(idle.child)).toBe(0)
    expect(existsSync(data)).toBe(false)
  })

  it('a port in use is said plainly, without a stack trace', async () => {
    const port = new URL(emulator.url).port
    const r = await run(['emulator', '--port', port])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`port ${port} is in use`)
    expect(r.stderr).toContain('--port 0')
    expect(r.stderr).not.toMatch(/\n\s+at |Error/)
  })
})

describe('unknown flags', () => {
  it.each([
    [['generate', '--promt', 'a kite'], '--promt', '--prompt'],
    [['generate', 'a kite', '--neg', 'rain'], '--neg', '--negative-prompt'],
    [['generate', 'a kite', '--wiat'], '--wiat', '--wait'],
    [['wait', '1', '--tiemout', '1m'], '--tiemout', '--timeout'],
    [['list', '--serch', 'kite'], '--serch', '--search'],
    [['status', '1', '--kidn', 'image2video'], '--kidn', '--kind'],
    [['emulator', '--prot', '0'], '--prot', '--port'],
  ])('%j suggests the flag of that command', async (args, typed, meant) => {
    const r = await run(args)
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`kling-studio: unknown flag ${typed}; did you mean ${meant}?\n`)
  })

  it('a flag of another command is not suggested, and is named with its command', async () => {
    const r = await run(['list', '--wait'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/unknown flag --wait for list/)
    expect(r.stderr).not.toMatch(/did you mean/)
  })

  it('--prompt=TEXT gives a prompt that begins with a dash', async () => {
    const r = await run(['generate', '--prompt=-- a dash first', '--dry-run', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ request: { prompt: '-- a dash first' } })
  })
})

describe('a reader that leaves early', () => {
  it('stdout closed before anything is written: exit 0, nothing on stderr', async () => {
    expect((await run(['generate', 'A kite for the list'])).code).toBe(0)
    const child = spawn(process.execPath, [BIN, 'list'], {
      env: { PATH: process.env.PATH, HOME: dir, KLING_STUDIO_DATA_DIR: join(dir, 'data') },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout.destroy() // the reader is gone before the first line is written
    let stderr = ''
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const code = await new Promise<number | null>((r) => child.once('close', r))
    expect(stderr).toBe('')
    expect(code).toBe(0)
  })

  it('`list | head -1` ends quietly', async () => {
    for (let i = 0; i < 3; i++) expect((await run(['generate', `Kite ${i}`])).code).toBe(0)
    // bash with pipefail: the exit code is kling-studio's, not head's.
    const r = await runShell(
      `set -o pipefail; "$NODE" "$BIN" list | head -1`,
      {
        PATH: process.env.PATH,
        HOME: dir,
        KLING_STUDIO_DATA_DIR: join(dir, 'data'),
        NODE: process.execPath,
        BIN,
      },
      'bash',
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout.trim().split('\n')).toHaveLength(1)
  })
})

describe('generate without --wait', () => {
  it('prints the exact command that follows the task, and that command works', async () => {
    const data = join(dir, 'elsewhere')
    const r = await run(['generate', 'A heron', '--data', data], {
      COMETAPI_KEY: 'polish-key',
      COMETAPI_BASE_URL: emulator.url,
    })
    expect(r.code, r.stderr).toBe(0)
    const taskId = /task (\d+)/.exec(r.stdout)![1]!
    const follow = `kling-studio wait ${taskId} --data ${data}`
    expect(r.stderr).toContain(`with: ${follow}\n`)
    expect(r.stderr).toContain(`kling-studio status ${taskId} --data ${data}\n`)
    const waited = await runShell(follow, {
      PATH: await pathWithBin(dir),
      HOME: dir,
      COMETAPI_KEY: 'polish-key',
      COMETAPI_BASE_URL: emulator.url,
    })
    expect(waited.code, waited.stderr).toBe(0)
    expect(waited.stdout).toMatch(new RegExp(`: done \\(task ${taskId}\\)`))
  })

  it('says nothing of the kind with --json', async () => {
    const r = await run(['generate', 'A quiet heron', '--json'])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
  })
})

describe('a failure is printed once', () => {
  it('a failed task: its message once, in the job printed', async () => {
    const r = await run(['generate', 'a storm [fail]', '--wait'])
    expect(r.code).toBe(1)
    expect(count(r.stdout + r.stderr, 'risk control')).toBe(1)
  })

  it('an API error: once on stderr, with its request id; with --json only the JSON', async () => {
    const keyed = await startEmulatorProcess(['--key', 'the-right-key'])
    try {
      const wrong = { COMETAPI_KEY: 'a-wrong-key', COMETAPI_BASE_URL: keyed.url }
      const json = await run(['status', '123', '--json'], wrong)
      expect(json.code).toBe(3)
      expect(json.stderr).toBe('')
      const { error } = JSON.parse(json.stdout) as { error: { message: string } }
      const human = await run(['status', '123'], wrong)
      expect(human.code).toBe(3)
      expect(human.stdout).toBe('')
      expect(count(human.stderr, error.message)).toBe(1)
      expect(human.stderr).toMatch(/request id [\w-]+/)
    } finally {
      await stopProcess(keyed.child)
    }
  })

  it('a usage error: once on stderr; with --json only the JSON', async () => {
    const human = await run(['generate'])
    expect(count(human.stderr, 'exactly one prompt')).toBe(1)
    expect(human.stdout).toBe('')
    const json = await run(['generate', '--json'])
    expect(json.code).toBe(2)
    expect(json.stderr).toBe('')
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { kind: 'invalid_request' } })
  })
})

describe('generate --dry-run', () => {
  it('prices the request from the table and sends nothing, without a key', async () => {
    const before = await tasksOnServer()
    const r = await run(['generate', 'A kite', '--dry-run'], { COMETAPI_BASE_URL: emulator.url })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('nothing was sent')
    expect(r.stdout).toContain('kling-v1 (the service default), std, 5 s: about 1 unit')
    expect(r.stdout).toMatch(/source: .+ https:\/\/\S+ \(read \d{4}-\d{2}-\d{2}\)/)
    expect(await tasksOnServer()).toBe(before)
  })

  it('per second on kling-v3, with sound', async () => {
    const args = ['generate', 'A kite', '--model', 'kling-v3', '--mode', 'pro', '--duration', '7']
    const r = await run([...args, '--sound', 'on', '--dry-run', '--json'], {})
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout) as { units: number; sources: { url: string }[] }
    expect(out.units).toBe(8.4)
    expect(out.sources.length).toBeGreaterThan(0)
  })

  it('"unknown" where no source states a price', async () => {
    const r = await run(['generate', 'A kite', '--model', 'kling-v9', '--dry-run'], {})
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('units unknown')
  })
})
