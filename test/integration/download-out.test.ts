import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '../../src/main/emulator/server'
import { runIn } from '../fixtures/cli'
import { canMount, onTmpfs } from '../fixtures/tmpfs'

// `generate --out` and `extend --out` name where a paid-for video will be copied. Any place it
// cannot be written is refused with exit 2 before anything is sent: a folder, a name ending in a
// separator, a pipe, a name too long, a path through a file, a read-only disk (where the test may
// mount one: as root, permission bits would not stop a write).

let dir: string
let emulator: Emulator
const env = () => ({ COMETAPI_KEY: 'out-key', COMETAPI_BASE_URL: emulator.url })
const tasks = async () =>
  ((await (await fetch(`${emulator.url}/__emulator/tasks`)).json()) as unknown[]).length

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-out-'))
  emulator = await startEmulator({ timeScale: 600, seed: 3 })
})
afterAll(async () => {
  await emulator.close()
  await rm(dir, { recursive: true, force: true })
})

async function refused(command: 'generate' | 'extend', out: string, words: RegExp) {
  const before = await tasks()
  const args = command === 'generate' ? ['generate', 'a heron'] : ['extend', 'some-job']
  const r = await runIn(dir, [...args, '--out', out], env())
  expect(r.code, r.stderr).toBe(2)
  expect(r.stderr).toMatch(words)
  expect(await tasks()).toBe(before)
}

describe('--out is proven writable before anything is sent', () => {
  it.each(['generate', 'extend'] as const)('%s: a folder, or a name ending in "/"', async (c) => {
    await refused(c, dir, /--out .* is a folder/)
    await refused(c, join(dir, 'not-yet', 'sub/'), /--out .*sub\/ is a folder; name the file/)
  })

  it('a pipe where the file would go', async () => {
    const fifo = join(dir, 'pipe.mp4')
    execFileSync('mkfifo', [fifo])
    await refused('generate', fifo, /is not a plain file/)
  })

  it.each(['generate', 'extend'] as const)('%s: a name of 300 characters', async (c) => {
    await refused(
      c,
      join(dir, `${'x'.repeat(300)}.mp4`),
      /too long .*ENAMETOOLONG.*nothing was sent/,
    )
    expect((await readdir(dir)).filter((n) => n.length > 255)).toEqual([])
  })

  it('a path through a file', async () => {
    await writeFile(join(dir, 'plain'), 'x')
    await refused('generate', join(dir, 'plain', 'v.mp4'), /--out .* cannot be written/)
  })

  it.skipIf(!canMount)('a read-only disk', async () => {
    const ro = join(dir, 'ro')
    await mkdir(ro)
    await onTmpfs(ro, { size: '4k', readOnly: true }, async () => {
      await refused('generate', join(ro, 'v.mp4'), /cannot be written/)
      await refused('extend', join(ro, 'v.mp4'), /cannot be written/)
    })
  })

  it('a writable place is left as it was, and the video lands there', async () => {
    const out = join(dir, 'saved', 'heron.mp4')
    const r = await runIn(dir, ['generate', 'a heron', '--out', out, '--json'], env())
    expect(r.code, r.stderr).toBe(0)
    expect(await readdir(join(dir, 'saved'))).toEqual(['heron.mp4'])
  })
})
