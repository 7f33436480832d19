import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultLibraryDir } from '../../src/main/paths'
import { openHistory } from '../../src/main/studio/history-open'
import { startIn, type Run } from '../fixtures/cli'
import {
  HOSTILE_MODES,
  startHostileServer,
  type HostileMode,
  type HostileServer,
} from '../fixtures/hostile-server'
import { keyNeedles, leaksIn, leaksUnder } from '../fixtures/key-leaks'
import { expectLibraryTrue } from '../fixtures/library-truth'

// The acceptance run of a hostile world, through the command line a person types: the built
// `kling-studio` (out/, `npx electron-vite build` first), one process per misbehaviour of the
// hostile server (fixtures/hostile-server.ts), all at once on one history, then `status`, `list`
// and `resume` over what they left. Every run ends with one clear line (or the job described)
// and the exit code of the README's table; nothing printed holds the key or a terminal escape;
// no process grows 50 MB past the same generate of a small good video; nothing on disk holds
// the key; the library holds only whole videos of finished jobs. The command line has no knob to
// lower the 2 GB video cap, the one-minute pace window or its download retries: the endless,
// trickling and dropping videos may still be under way at --timeout, which must then say so.

const KEY = 'sk-lTDWXSKhYEabbWpeOpFRvyVbs5idrN02QDzarvH62kbqDfXM'
const NEEDLES = keyNeedles(KEY)
const MB = 1024 * 1024
/**
 * The bar for memory growth, for each process against a generate of a small video: the issue's
 * 100 MB, halved since downloads read into one reused buffer and give each chunk back once written
 * (an endless video at loopback speed grows a process by a few MB).
 */
const GROWTH_LIMIT = 50 * MB
/** ESC, the C1 controls, DEL, and every C0 control but the line break and the tab. */
// eslint-disable-next-line no-control-regex -- control characters are what this test looks for
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/
const sample = await readFile(resolve('resources/samples/16x9-5s.mp4'))

interface CliEnd {
  /** The exit code (two where the 2 GB cap and --timeout race on this machine). */
  code: number | number[]
  /** The one line on stderr saying why it failed, or (exit 0 and 1) the job printed on stdout. */
  said: RegExp
}

/** How `generate <mode> ... --wait --timeout 25s` ends, per misbehaviour. */
const ENDS: Record<HostileMode, CliEnd> = {
  refused: {
    code: 3,
    said: /^kling-studio: Unauthorized: auth=Bearer \[key\].*\(HTTP 401, code 1000, request id req-refused\)$/,
  },
  echo: {
    code: 1,
    said: /: failed \(task echo-\d+\): auth=Bearer \[key\][^]*request id: req-echo/,
  },
  escapes: {
    code: 1,
    said: /: failed \(task escapes-\d+\): policy redtext +done +next[^]*request id: req-escapes/,
  },
  huge: { code: 3, said: /^kling-studio: .*more than 1 MB.*request id req-huge/ },
  deep: { code: 3, said: /^kling-studio: .*more than 1 MB.*request id req-deep/ },
  nested: {
    code: 3,
    said: /^kling-studio: .*nested more than 64 levels deep.*request id req-nested/,
  },
  hugecreate: {
    code: 4,
    said: /^kling-studio: The create request may have reached the server \(the server sent an answer of more than 1 MB.*request id req-hugecreate/,
  },
  endless: {
    code: [3, 4],
    said: /^kling-studio: .*(sent more than 2 GB|had not finished after 25 s)/,
  },
  trickle: { code: 4, said: /^kling-studio: Task trickle-\d+ had not finished after 25 s/ },
  lie: { code: 3, said: /^kling-studio: .*cut short.*not kept/ },
  cutoff: { code: 4, said: /^kling-studio: .*(dropped|ended early|had not finished after 25 s)/ },
  noindex: { code: 3, said: /^kling-studio: .*only starts like an MP4/ },
  good: { code: 0, said: /: done \(task good-\d+\)[^]*Saved to / },
  twin: { code: 0, said: /: done \(task twin-task\)[^]*Saved to / },
}

interface CliRun extends Run {
  args: string[]
  /** The process's peak resident memory (VmHWM), as last read while it ran. */
  peak: number
}

/** One command line, its peak memory read from /proc while it runs. */
async function cli(home: string, args: string[], env: Record<string, string>): Promise<CliRun> {
  const run = startIn(home, args, env)
  let peak = 0
  const read = () => {
    try {
      const status = readFileSync(`/proc/${run.child.pid}/status`, 'utf8')
      peak = Math.max(peak, Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024)
    } catch {
      // Ended between two reads: the last one stands.
    }
  }
  const timer = setInterval(read, 50)
  const done = await run.done.finally(() => clearInterval(timer))
  return { ...done, args, peak }
}

/** The lines a run printed on stderr that say it failed (the "Job ... (kind, external id)" note aside). */
const failureLines = (r: Run) => r.stderr.split('\n').filter((l) => l.startsWith('kling-studio:'))

/** How a run ended, checked softly: every run's verdict is reported, not only the first. */
function expectEnd(r: CliRun, want: CliEnd): void {
  const where = `${r.args.join(' ')}\nexit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`
  expect.soft([want.code].flat(), where).toContain(r.code)
  expect.soft(r.stdout + r.stderr, where).not.toMatch(UNSAFE)
  if (r.code === 0 || r.code === 1) {
    // The job, described once on stdout (its failure is in it, with the request id).
    expect.soft(failureLines(r), where).toEqual([])
    expect.soft(r.stdout, where).toMatch(want.said)
  } else {
    expect.soft(r.stdout, where).toBe('')
    expect.soft(failureLines(r), where).toHaveLength(1)
    expect.soft(failureLines(r)[0] ?? '', where).toMatch(want.said)
  }
}

let server: HostileServer
let home: string
beforeAll(async () => {
  server = await startHostileServer({ sample })
  home = await mkdtemp(join(tmpdir(), 'kling-hostile-cli-'))
})
afterAll(async () => {
  await server.close()
  await rm(home, { recursive: true, force: true })
})

describe('a hostile world, through the command line', () => {
  it('one clear line per failure, the right exit code, no key and no escape anywhere, memory bounded', async () => {
    const env = { COMETAPI_KEY: KEY, COMETAPI_BASE_URL: server.url }
    const modes = [...HOSTILE_MODES, 'twin' as const]
    const external = (i: number) => `ks-hostile-${i}-${modes[i]}`
    const generate = (i: number) => [
      'generate',
      `${modes[i]} a heron at dawn`,
      '--wait',
      '--timeout',
      '25s',
      '--external-task-id',
      external(i),
    ]
    const generates = Promise.all(modes.map((_, i) => cli(home, generate(i), env)))
    // Meanwhile, one look at each task whose answers are refused, once the server has it.
    const looks = Promise.all(
      (['huge', 'deep', 'nested'] as const).map(async (m) => {
        const id = external(modes.indexOf(m))
        while (!server.knows(id)) await new Promise((r) => setTimeout(r, 20))
        return cli(home, ['status', '--external-task-id', id], env)
      }),
    )
    const runs = await generates
    for (const [i, r] of runs.entries()) expectEnd(r, ENDS[modes[i]!])
    const [huge, deep, nested] = (await looks) as [CliRun, CliRun, CliRun]
    expectEnd(huge, { code: 3, said: /^kling-studio: .*more than 1 MB.*request id req-huge/ })
    expectEnd(deep, { code: 3, said: /^kling-studio: .*more than 1 MB.*request id req-deep/ })
    expectEnd(nested, { code: 3, said: /^kling-studio: .*nested more than 64 .*req-nested/ })
    // The history as the terminal shows it, and a resume of what is left (it cannot finish).
    const listed = await cli(home, ['list'], env)
    expectEnd(listed, { code: 0, said: /escapes a heron at dawn/ })
    const resumed = await cli(home, ['resume', '--timeout', '5s'], env)
    // Which jobs, and why each has not finished where it knows (the trickle: too slow).
    expectEnd(resumed, {
      code: 4,
      said: /^kling-studio: Some jobs are still running: ks-hostile-\d+-\w+ \(\w+.*; run resume again later$/,
    })

    const all = [...runs, huge, deep, nested, listed, resumed]
    expect(leaksIn(all.map((r) => `${r.stdout}\n${r.stderr}`).join('\n'), NEEDLES)).toEqual([])
    // Memory: no run grows past 50 MB more than the same generate with a small, good video.
    const base = runs[modes.indexOf('good')]!.peak
    for (const r of all)
      expect
        .soft(r.peak - base, `peak memory growth of ${r.args.join(' ')}`)
        .toBeLessThan(GROWTH_LIMIT)
    expect(await leaksUnder(home, NEEDLES)).toEqual([])
    const ledger = openHistory(join(home, 'data', 'history.db'), { readOnly: true })
    try {
      await expectLibraryTrue(ledger, defaultLibraryDir({}, 'linux', home))
    } finally {
      ledger.close()
    }
  }, 120_000)
})
