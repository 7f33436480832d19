import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyMp4 } from '../../src/main/kling/download'
import {
  isLocalFailure,
  localFailure,
  needsPerson,
  onDisk,
} from '../../src/main/kling/download-errors'
import type { KlingApiError } from '../../src/main/kling/errors'
import { mp4Flaw } from '../../src/main/library/mp4-facts'
import { videoFileName } from '../../src/main/library/names'

// What a download must be before it is kept (a whole MP4: "ftyp" first, its "moov" index, no box
// cut short), how the names of saved videos stay unique per job and short enough for any disk,
// and how a failure on this computer is said: real files, built from the samples byte by byte.

const SAMPLE = resolve('resources/samples/16x9-5s.mp4')
let dir: string
let sample: Buffer

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-dl-checks-'))
  sample = await readFile(SAMPLE)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** The sample's top-level boxes, by type. */
function boxes(file: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>()
  for (let at = 0; at < file.length;) {
    const size = file.readUInt32BE(at)
    out.set(file.toString('latin1', at + 4, at + 8), file.subarray(at, at + size))
    at += size
  }
  return out
}

async function flawOf(name: string, bytes: Buffer): Promise<string | null> {
  const file = join(dir, name)
  await writeFile(file, bytes)
  return mp4Flaw(file)
}

describe('a whole MP4', () => {
  it('every sample is whole, and so is one with its index at the end', async () => {
    expect(await mp4Flaw(SAMPLE)).toBeNull()
    const b = boxes(sample)
    const moovLast = Buffer.concat(['ftyp', 'free', 'mdat', 'moov'].map((t) => b.get(t)!))
    expect(await flawOf('moov-last.mp4', moovLast)).toBeNull()
  })

  it('cut before its index: it only starts like an MP4', async () => {
    const b = boxes(sample)
    const cut = Buffer.concat(['ftyp', 'free', 'mdat'].map((t) => b.get(t)!))
    expect(await flawOf('no-moov.mp4', cut)).toBe('no_index')
    const err = (await verifyMp4(join(dir, 'no-moov.mp4')).catch(
      (e: unknown) => e,
    )) as KlingApiError
    expect(err.code).toBe('mp4_no_index')
    expect(err.message).toMatch(/only starts like an MP4.*would not play/)
  })

  it('cut in the middle of a box: cut short', async () => {
    expect(await flawOf('cut.mp4', sample.subarray(0, sample.length - 1000))).toBe('truncated')
    expect(await flawOf('cut-header.mp4', sample.subarray(0, 32 + 4))).toBe('truncated')
  })

  it('not an MP4 at all, or "ftyp" followed by noise', async () => {
    expect(await flawOf('page.mp4', Buffer.from('<html>Signed out</html>'))).toBe('not_mp4')
    expect(await flawOf('empty.mp4', Buffer.alloc(0))).toBe('not_mp4')
    const noise = Buffer.concat([
      sample.subarray(0, 32),
      Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 251)),
    ])
    expect(await flawOf('noise.mp4', noise)).not.toBeNull()
    // A 64-bit size far past the end, and a size smaller than a header.
    const huge = Buffer.concat([
      sample.subarray(0, 32),
      Buffer.from([0, 0, 0, 1]),
      Buffer.from('mdat'),
      Buffer.from([0, 0, 1, 0, 0, 0, 0, 0]),
    ])
    expect(await flawOf('huge.mp4', huge)).toBe('truncated')
    const tiny = Buffer.concat([
      sample.subarray(0, 32),
      Buffer.from([0, 0, 0, 4]),
      Buffer.from('free'),
    ])
    expect(await flawOf('tiny.mp4', tiny)).toBe('truncated')
    await mkdir(join(dir, 'folder.mp4'))
    expect(await mp4Flaw(join(dir, 'folder.mp4'))).toBe('not_mp4')
    expect(await mp4Flaw(join(dir, 'missing.mp4'))).toBe('not_mp4')
  })
})

describe('names of saved videos', () => {
  const at = new Date(2026, 10, 24, 15, 32).getTime()

  it('two jobs with one task id get two names; without a job id, the earlier releases’ name', () => {
    const a = videoFileName(at, 'Happy scene!', '878106242831892487', '3f2a9c1e-aaaa-4bbb')
    const b = videoFileName(at, 'Happy scene!', '878106242831892487', '77d0e5b2-cccc-4ddd')
    expect(a).toBe('2026-11-24 1532 happy scene 878106242831892487 3f2a9c1e.mp4')
    expect(b).not.toBe(a)
    expect(videoFileName(at, 'Happy scene!', '878106242831892487')).toBe(
      '2026-11-24 1532 happy scene 878106242831892487.mp4',
    )
  })

  it('a hostile task id or a long prompt in any script cannot make a name too long', () => {
    const longId = videoFileName(at, 'x', `9${'8'.repeat(299)}`, 'job-1')
    expect(Buffer.byteLength(longId)).toBeLessThanOrEqual(255)
    const wide = videoFileName(at, '𠀀'.repeat(200), '1'.repeat(300), 'job-2')
    expect(Buffer.byteLength(wide)).toBeLessThanOrEqual(255)
    expect(videoFileName(at, 'a', '../../etc/passwd', 'j/../x')).toBe(
      '2026-11-24 1532 a etcpasswd jx.mp4',
    )
  })
})

describe('a failure on this computer', () => {
  const errno = (code: string) => Object.assign(new Error(`${code}: oops`), { code })

  it.each([
    ['ENOSPC', 'local_disk_full', /disk holding \/lib is full: free some space there/],
    ['EDQUOT', 'local_disk_full', /quota for \/lib/],
    ['EROFS', 'local_read_only', /\/lib is on a read-only disk/],
    ['EACCES', 'local_not_allowed', /may not write in \/lib \(EACCES\)/],
    ['EPERM', 'local_not_allowed', /may not write in \/lib \(EPERM\)/],
    ['ENAMETOOLONG', 'local_name_too_long', /too long for this disk/],
    ['ENOTDIR', 'local_not_a_folder', /in the way/],
    ['EIO', 'local_io', /check the disk/],
  ])('%s is said as what it is, names the folder and what to do', (code, kind, words) => {
    const e = localFailure(errno(code), '/lib')
    expect(e.kind).toBe('download')
    expect(e.code).toBe(kind)
    expect(e.message).toMatch(words)
    expect(e.message).toMatch(/Download again/)
    expect(e.message).not.toMatch(/could not reach the server/)
    expect(isLocalFailure(e)).toBe(true)
    expect(needsPerson(e)).toBe(true)
    // Not worth another attempt by itself.
    expect(e.mayHaveReachedServer).toBe(false)
  })

  it('a passing shortage is local but tried again', async () => {
    const e = await onDisk('/lib', () => Promise.reject(errno('EMFILE'))).catch((x: unknown) => x)
    expect(isLocalFailure(e)).toBe(true)
    expect(needsPerson(e)).toBe(false)
    expect((e as KlingApiError).mayHaveReachedServer).toBe(true)
  })
})
