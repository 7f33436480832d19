import { execFile, execFileSync } from 'node:child_process'
import { open, mkdtemp, readdir, readFile, rm, truncate, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MediaFactsReader } from '../../src/main/library/media-facts'
import { NO_FACTS, readMp4Facts } from '../../src/main/library/mp4-facts'

// The MP4 box reader against the real samples (and ffprobe's reading of them, when ffprobe is
// installed), and against files built here byte by byte: rotated, truncated, hostile.

const SAMPLES = resolve('resources/samples')
const has = (tool: string) => {
  try {
    execFileSync(tool, ['-version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}
const hasFfprobe = has('ffprobe')
const hasFfmpeg = has('ffmpeg')

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-facts-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

// --- Building boxes by hand ---------------------------------------------------------------

const u32 = (n: number) => {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n >>> 0)
  return b
}
const u64 = (n: bigint) => {
  const b = Buffer.alloc(8)
  b.writeBigUInt64BE(n)
  return b
}
const box = (type: string, ...parts: Buffer[]) => {
  const body = Buffer.concat(parts)
  return Buffer.concat([u32(8 + body.length), Buffer.from(type, 'latin1'), body])
}
const fixed = (n: number) => u32(Math.round(n * 65536))

const ftyp = box('ftyp', Buffer.from('isom'), u32(512), Buffer.from('isomiso2avc1mp41'))
/** mvhd version 0: timescale 1000, 4 s. */
const mvhd = box('mvhd', u32(0), u32(0), u32(0), u32(1000), u32(4000), Buffer.alloc(80))
/** tkhd version 0, 640x360, turned a quarter (a=0 b=1 c=-1 d=0). */
const tkhd = box(
  'tkhd',
  u32(3),
  ...[u32(0), u32(0), u32(1), u32(0), u32(4000)],
  Buffer.alloc(16),
  ...[fixed(0), fixed(1), u32(0), fixed(-1), fixed(0), u32(0), u32(0), u32(0), u32(0x40000000)],
  fixed(640),
  fixed(360),
)
/** mdhd version 1: timescale 600, 2400 ticks (4 s). */
const mdhd = box('mdhd', u32(0x01000000), u64(0n), u64(0n), u32(600), u64(2400n), u32(0))
const hdlr = box('hdlr', u32(0), u32(0), Buffer.from('vide'), Buffer.alloc(12), Buffer.from('V\0'))
/** 10 frames of 60 ticks, then 20 of 30: 30 frames in 1200 ticks (2 s) = 15 fps on average. */
const stts = box('stts', u32(0), u32(2), u32(10), u32(60), u32(20), u32(30))
const trak = box('trak', tkhd, box('mdia', mdhd, hdlr, box('minf', box('stbl', stts))))
const crafted = Buffer.concat([ftyp, box('moov', mvhd, trak), box('mdat', Buffer.alloc(64))])

async function write(name: string, bytes: Buffer): Promise<string> {
  const file = join(dir, name)
  await writeFile(file, bytes)
  return file
}

// --- The samples -------------------------------------------------------------------------

async function probe(file: string) {
  const { stdout } = await promisify(execFile)('ffprobe', [
    ...['-v', 'error', '-select_streams', 'v:0'],
    ...['-show_entries', 'stream=width,height,avg_frame_rate,duration', '-of', 'json', file],
  ])
  const s = (JSON.parse(stdout) as { streams: Record<string, string | number>[] }).streams[0]!
  const [num, den] = String(s.avg_frame_rate).split('/').map(Number) as [number, number]
  return { width: s.width, height: s.height, fps: num / den, durationSeconds: Number(s.duration) }
}

describe('MP4 facts of the sample videos', async () => {
  const names = (await readdir(SAMPLES)).filter((n) => n.endsWith('.mp4')).sort()

  it('has the samples to read', () => expect(names.length).toBe(21))

  it.each(names)('%s: the shape and length its name says, at 12 fps', async (name) => {
    const [, w, h, seconds] = /^(\d+)x(\d+)-(\d+)s\.mp4$/.exec(name)!.map(Number) as number[]
    const facts = await readMp4Facts(join(SAMPLES, name))
    expect(facts.width! * h!).toBe(facts.height! * w!)
    expect(Math.min(facts.width!, facts.height!)).toBe(720)
    expect(facts).toMatchObject({ fps: 12, durationSeconds: seconds })
  })

  it.skipIf(!hasFfprobe).each(names)('%s: what ffprobe reads', async (name) => {
    const file = join(SAMPLES, name)
    const [mine, theirs] = await Promise.all([readMp4Facts(file), probe(file)])
    expect(mine.width).toBe(theirs.width)
    expect(mine.height).toBe(theirs.height)
    expect(mine.fps).toBeCloseTo(theirs.fps, 2)
    expect(mine.durationSeconds).toBeCloseTo(theirs.durationSeconds, 2)
  })

  it.skipIf(!hasFfmpeg)('reads moov at the end of the file just the same', async () => {
    const source = join(SAMPLES, '9x16-10s.mp4')
    const tail = join(dir, 'moov-last.mp4')
    // Without +faststart, ffmpeg writes moov after the media data.
    await promisify(execFile)('ffmpeg', [
      ...['-v', 'error', '-y', '-i', source, '-c', 'copy', tail],
    ])
    const bytes = await readFile(tail)
    expect(bytes.indexOf('moov')).toBeGreaterThan(bytes.indexOf('mdat'))
    expect(await readMp4Facts(tail)).toEqual(await readMp4Facts(source))
  })
})

describe('MP4 facts of files built by hand', () => {
  it('reads the video track, turned a quarter, with its average frame rate', async () => {
    expect(await readMp4Facts(await write('crafted.mp4', crafted))).toEqual({
      width: 360,
      height: 640,
      fps: 15,
      durationSeconds: 4,
    })
  })

  it('seeks past 5 GB of media data to a moov at the end, reading only headers', async () => {
    // A sparse file: ftyp, an mdat with a 64-bit size of 5 GB (never written), then moov.
    const file = join(dir, 'huge.mp4')
    const mdatSize = 5n * 1024n ** 3n
    const head = Buffer.concat([ftyp, u32(1), Buffer.from('mdat'), u64(mdatSize)])
    await writeFile(file, head)
    const moovAt = ftyp.length + Number(mdatSize)
    await truncate(file, moovAt)
    const handle = await open(file, 'r+')
    await handle.write(box('moov', mvhd, trak), 0, undefined, moovAt)
    await handle.close()
    expect(await readMp4Facts(file)).toMatchObject({ width: 360, height: 640, fps: 15 })
  })

  it('gives what a truncated file still holds: no frame rate, the movie length', async () => {
    // Cut inside mdhd: tkhd is whole, mdhd is not, hdlr and stts are gone.
    const cut = crafted.subarray(0, crafted.indexOf('mdhd') + 12)
    expect(await readMp4Facts(await write('cut.mp4', cut))).toEqual({
      width: 360,
      height: 640,
      fps: null,
      durationSeconds: 4,
    })
  })

  it.each([
    ['an empty file', Buffer.alloc(0)],
    ['text', Buffer.from('just some words, not a video at all\n'.repeat(20))],
    ['ftyp alone', ftyp],
    ['a box shorter than its own header', Buffer.concat([ftyp, u32(4), Buffer.from('moov')])],
    ['moov cut inside its first header', Buffer.concat([ftyp, u32(500), Buffer.from('mo')])],
  ])('gives all nulls for %s', async (_name, bytes) => {
    expect(await readMp4Facts(await write('bad.mp4', bytes))).toEqual(NO_FACTS)
  })

  it('stops at its box budget when moov holds a hundred thousand empty boxes', async () => {
    const junk = Buffer.concat(Array.from({ length: 100_000 }, () => box('free')))
    const file = await write('many.mp4', Buffer.concat([ftyp, box('moov', junk, mvhd, trak)]))
    // The track after the junk is never reached: no throw, no endless walk.
    expect(await readMp4Facts(file)).toEqual(NO_FACTS)
  })

  it('does not follow nesting deeper than a real file has', async () => {
    let deep = box('stbl', stts)
    for (let i = 0; i < 2000; i++) deep = box('minf', deep)
    const bomb = box('trak', tkhd, box('mdia', mdhd, hdlr, deep))
    const file = await write('deep.mp4', Buffer.concat([ftyp, box('moov', mvhd, bomb)]))
    expect(await readMp4Facts(file)).toEqual({
      width: 360,
      height: 640,
      fps: null,
      durationSeconds: 4,
    })
  })

  it('survives sizes that lie: zero (to the end), 2^64-1, and a huge stts count', async () => {
    const lyingStts = box('stts', u32(0), u32(0xffffffff), u32(30), u32(40))
    const lyingTrak = box(
      'trak',
      tkhd,
      box('mdia', mdhd, hdlr, box('minf', box('stbl', lyingStts))),
    )
    const huge = Buffer.concat([u32(1), Buffer.from('free'), u64(0xffffffffffffffffn)])
    // moov of size 0: it runs to the end of the file.
    const moov = Buffer.concat([u32(0), Buffer.from('moov'), mvhd, lyingTrak, huge])
    const file = await write('lies.mp4', Buffer.concat([ftyp, moov]))
    // One whole entry fits the box: 30 frames of 40 ticks at 600 per second = 15 fps.
    expect(await readMp4Facts(file)).toMatchObject({ width: 360, height: 640, fps: 15 })
  })

  it.each([
    ['a missing file', () => join(dir, 'nope.mp4')],
    ['a folder', () => dir],
  ])('gives all nulls for %s', async (_name, path) => {
    expect(await readMp4Facts(path())).toEqual(NO_FACTS)
  })

  it.skipIf(process.platform === 'win32')('gives all nulls for a named pipe, at once', async () => {
    const fifo = join(dir, 'pipe.mp4')
    execFileSync('mkfifo', [fifo])
    expect(await readMp4Facts(fifo)).toEqual(NO_FACTS)
  })
})

describe('remembered facts', () => {
  it('reads a file again once it changes, and forgets the oldest past its bound', async () => {
    const reader = new MediaFactsReader(2)
    const file = await write('remember.mp4', crafted)
    expect(await reader.of(file)).toMatchObject({ width: 360, bytes: crafted.length })
    await writeFile(file, 'no longer a video')
    const later = new Date(Date.now() + 5000)
    await utimes(file, later, later)
    expect(await reader.of(file)).toMatchObject({
      width: null,
      bytes: 17,
      fileName: 'remember.mp4',
    })
    await reader.of(await write('a.mp4', crafted))
    await reader.of(await write('b.mp4', crafted))
    expect(reader.size).toBe(2)
  })

  it('answers a batch by id, leaving out files that are not there', async () => {
    const reader = new MediaFactsReader()
    const good = await write('good.mp4', crafted)
    const bad = await write('junk.mp4', Buffer.from('junk'))
    const facts = await reader.many(
      new Map([
        ['a', good],
        ['b', bad],
        ['c', join(dir, 'gone.mp4')],
      ]),
    )
    expect(Object.keys(facts).sort()).toEqual(['a', 'b'])
    expect(facts.a).toMatchObject({ width: 360, height: 640, fileName: 'good.mp4' })
    expect(facts.b).toMatchObject({ ...NO_FACTS, bytes: 4, fileName: 'junk.mp4' })
  })
})
