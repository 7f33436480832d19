// --library names a folder whose files the app then serves as media: the command line refuses a
// whole disk or the home folder by the rule the app's settings use, with exit 2 and one line
// saying why, and records no such media root in the history. The built bin, in its own process.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, parse } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { libraryFolderProblem } from '../../src/main/paths'
import { Ledger } from '../../src/main/tasks/ledger'
import { runIn } from '../fixtures/cli'

const EXIT_USAGE = 2
const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

async function home(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kling-cli-library-'))
  dirs.push(dir)
  return dir
}

function roots(dir: string): string[] {
  const ledger = new Ledger(join(dir, 'data', 'history.db'))
  try {
    return ledger.libraryRoots()
  } finally {
    ledger.close()
  }
}

describe('--library', () => {
  it('refuses a whole disk, with exit 2 and the reason, recording nothing', async () => {
    const dir = await home()
    const disk = parse(dir).root
    const run = await runIn(dir, ['resume', '--library', disk])
    expect(run.code).toBe(EXIT_USAGE)
    expect(run.stderr).toMatch(/--library .* is refused: .*not a whole disk or the home folder/)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)

    // A good folder then works, and only it becomes a media root.
    const ok = await runIn(dir, ['resume', '--library', join(dir, 'videos')])
    expect(ok.code).toBe(0)
    expect(roots(dir)).toContain(join(dir, 'videos'))
    expect(roots(dir)).not.toContain(disk)
  })

  it('refuses the home folder (with a trailing slash too), in text and in JSON', async () => {
    const dir = await home()
    const run = await runIn(dir, ['resume', `--library=${dir}/`])
    expect(run.code).toBe(EXIT_USAGE)
    expect(run.stderr).toMatch(/is refused: the library must be a folder of its own/)

    const json = await runIn(dir, ['list', '--library', dir, '--json'])
    expect(json.code).toBe(EXIT_USAGE)
    const error = (JSON.parse(json.stdout) as { error: { kind: string; message: string } }).error
    expect(error.kind).toBe('invalid_request')
    expect(error.message).toMatch(/not a whole disk or the home folder/)
  })

  it('is the same rule the settings use', () => {
    expect(libraryFolderProblem('/', '/home/someone')).not.toBeNull()
    expect(libraryFolderProblem('/home/someone/', '/home/someone')).not.toBeNull()
    expect(libraryFolderProblem('/home/someone/../someone', '/home/someone')).not.toBeNull()
    expect(libraryFolderProblem('/home/someone/Videos', '/home/someone')).toBeNull()
  })
})
