import { constants, open, type FileHandle } from 'node:fs/promises'

// What an MP4 says about itself (picture size, frame rate, length), read from its ISO-BMFF boxes
// without ffmpeg: moov > trak > tkhd (size and rotation), mdia > mdhd (timescale, length),
// hdlr (which track is the video), minf > stbl > stts (frames) and stsd (coded size), mvhd as the
// fallback length. Box headers are read by seeking, so moov at the end of a large file costs a
// few small reads, never the whole file. Every count is capped: a truncated or hostile file
// gives nulls, never a throw or a hang. The same reader tells whether a download is a whole MP4.

export interface VideoFacts {
  width: number | null
  height: number | null
  fps: number | null
  durationSeconds: number | null
}

export const NO_FACTS: VideoFacts = { width: null, height: null, fps: null, durationSeconds: null }

/** Box headers read in all, over the whole walk. */
const MAX_BOXES = 4096
/** moov (1) > trak (2) > mdia (3) > minf (4) > stbl (5) > stsd (6): nothing we read is deeper. */
const MAX_DEPTH = 6
/** The most of one small box (mvhd, tkhd, mdhd, hdlr, stsd) read. */
const MAX_SMALL_BOX = 4096
/** stts entries read at most (8 bytes each), in chunks of STTS_CHUNK entries. */
const MAX_STTS_ENTRIES = 1 << 20
const STTS_CHUNK = 8192
const MAX_TRACKS = 64

const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl'])

interface Box {
  type: string
  /** Where the payload starts and where the box ends (clamped to its parent). */
  body: number
  end: number
}

interface Track {
  handler: string | null
  width: number | null
  height: number | null
  /** tkhd's matrix turns the picture a quarter (90 or 270 degrees): width and height swap. */
  quarterTurn: boolean
  codedWidth: number | null
  codedHeight: number | null
  timescale: number | null
  duration: number | null
  samples: number
  sampleTicks: number
}

class BoxReader {
  private boxes = 0

  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  async read(at: number, length: number): Promise<Buffer> {
    const len = Math.max(0, Math.min(length, this.size - at))
    const buf = Buffer.alloc(len)
    if (len === 0) return buf
    const { bytesRead } = await this.handle.read(buf, 0, len, at)
    return buf.subarray(0, bytesRead)
  }

  /** The boxes between start and end, header by header; stops at the first malformed one. */
  async *children(start: number, end: number): AsyncGenerator<Box> {
    let at = start
    while (at + 8 <= end && this.boxes < MAX_BOXES) {
      this.boxes++
      const head = await this.read(at, 16)
      if (head.length < 8) return
      const size32 = head.readUInt32BE(0)
      const type = head.toString('latin1', 4, 8)
      let headerSize = 8
      let size: number
      if (size32 === 1) {
        if (head.length < 16) return
        headerSize = 16
        size = Number(head.readBigUInt64BE(8))
      } else {
        size = size32 === 0 ? end - at : size32
      }
      if (!Number.isFinite(size) || size < headerSize) return
      const boxEnd = Math.min(at + size, end)
      yield { type, body: at + headerSize, end: boxEnd }
      at += size
    }
  }
}

const fixed16 = (buf: Buffer, at: number) => buf.readUInt32BE(at) / 65536
const fixed16s = (buf: Buffer, at: number) => buf.readInt32BE(at) / 65536

async function small(r: BoxReader, box: Box): Promise<Buffer> {
  return r.read(box.body, Math.min(box.end - box.body, MAX_SMALL_BOX))
}

/** mvhd and mdhd share their layout up to the duration. */
function timescaleAndDuration(p: Buffer): { timescale: number; duration: number | null } | null {
  const v1 = p[0] === 1
  if (p.length < (v1 ? 32 : 20)) return null
  const timescale = p.readUInt32BE(v1 ? 20 : 12)
  const raw = v1 ? p.readBigUInt64BE(24) : BigInt(p.readUInt32BE(16))
  // All ones: the length is not known.
  const unknown = raw === (v1 ? 0xffffffffffffffffn : 0xffffffffn)
  return { timescale, duration: unknown ? null : Number(raw) }
}

function readTkhd(p: Buffer, track: Track): void {
  const v1 = p[0] === 1
  const matrix = v1 ? 52 : 40
  if (p.length < matrix + 44) return
  const [a, b, c, d] = [0, 1, 3, 4].map((i) => fixed16s(p, matrix + i * 4)) as number[]
  track.quarterTurn = a === 0 && d === 0 && Math.abs(b!) === 1 && Math.abs(c!) === 1
  track.width = Math.round(fixed16(p, matrix + 36))
  track.height = Math.round(fixed16(p, matrix + 40))
}

function readStsd(p: Buffer, track: Track): void {
  // The first sample entry, as a VisualSampleEntry: its width and height are 32 bytes in.
  if (p.length < 8 + 36 || p.readUInt32BE(4) < 1) return
  track.codedWidth = p.readUInt16BE(8 + 32)
  track.codedHeight = p.readUInt16BE(8 + 34)
}

async function readStts(r: BoxReader, box: Box, track: Track): Promise<void> {
  const head = await r.read(box.body, 8)
  if (head.length < 8) return
  const fits = Math.floor((box.end - box.body - 8) / 8)
  const count = Math.min(head.readUInt32BE(4), fits, MAX_STTS_ENTRIES)
  for (let done = 0; done < count; done += STTS_CHUNK) {
    const n = Math.min(STTS_CHUNK, count - done)
    const chunk = await r.read(box.body + 8 + done * 8, n * 8)
    for (let i = 0; i + 8 <= chunk.length; i += 8) {
      const samples = chunk.readUInt32BE(i)
      track.samples += samples
      track.sampleTicks += samples * chunk.readUInt32BE(i + 4)
    }
    if (chunk.length < n * 8) return
  }
}

async function visitTrack(r: BoxReader, parent: Box, depth: number, track: Track): Promise<void> {
  if (depth > MAX_DEPTH) return
  for await (const box of r.children(parent.body, parent.end)) {
    if (CONTAINERS.has(box.type)) await visitTrack(r, box, depth + 1, track)
    else if (box.type === 'tkhd') readTkhd(await small(r, box), track)
    else if (box.type === 'mdhd') {
      const t = timescaleAndDuration(await small(r, box))
      if (t) [track.timescale, track.duration] = [t.timescale, t.duration]
    } else if (box.type === 'hdlr') {
      const p = await small(r, box)
      if (p.length >= 12) track.handler = p.toString('latin1', 8, 12)
    } else if (box.type === 'stsd') readStsd(await small(r, box), track)
    else if (box.type === 'stts') await readStts(r, box, track)
  }
}

const positive = (n: number | null, max: number): number | null =>
  n !== null && Number.isFinite(n) && n > 0 && n <= max ? n : null

function factsOf(
  track: Track | undefined,
  movie: { timescale: number; duration: number | null } | null,
): VideoFacts {
  const seconds = (t: { timescale: number | null; duration: number | null } | null | undefined) =>
    t && t.timescale && t.duration !== null ? t.duration / t.timescale : null
  const durationSeconds = positive(seconds(track) ?? seconds(movie), 1e7)
  if (!track) return { ...NO_FACTS, durationSeconds: round(durationSeconds, 3) }
  let width = positive(track.width, 65535) ?? positive(track.codedWidth, 65535)
  let height = positive(track.height, 65535) ?? positive(track.codedHeight, 65535)
  if (track.quarterTurn) [width, height] = [height, width]
  const fps =
    track.timescale && track.sampleTicks > 0
      ? positive((track.samples * track.timescale) / track.sampleTicks, 1000)
      : null
  return { width, height, fps: round(fps, 3), durationSeconds: round(durationSeconds, 3) }
}

const round = (n: number | null, digits: number) =>
  n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits

async function walk(r: BoxReader): Promise<VideoFacts> {
  let moov: Box | null = null
  for await (const box of r.children(0, r.size)) {
    if (box.type === 'moov') {
      moov = box
      break
    }
  }
  if (!moov) return NO_FACTS
  let movie: { timescale: number; duration: number | null } | null = null
  const tracks: Track[] = []
  for await (const box of r.children(moov.body, moov.end)) {
    if (box.type === 'mvhd') movie = timescaleAndDuration(await small(r, box))
    else if (box.type === 'trak' && tracks.length < MAX_TRACKS) {
      const track: Track = {
        ...{ handler: null, width: null, height: null, quarterTurn: false },
        ...{ codedWidth: null, codedHeight: null, timescale: null, duration: null },
        ...{ samples: 0, sampleTicks: 0 },
      }
      await visitTrack(r, box, 2, track)
      tracks.push(track)
    }
  }
  const video =
    tracks.find((t) => t.handler === 'vide') ?? tracks.find((t) => t.handler === null && t.width)
  return factsOf(video, movie)
}

/**
 * The facts of the MP4 at `file`; all null when it is not one or cannot be read. Opened without
 * blocking, so a named pipe put where a video was expected is refused instead of waited on.
 */
export async function readMp4Facts(file: string): Promise<VideoFacts> {
  let handle: FileHandle | null = null
  try {
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
    const info = await handle.stat()
    if (!info.isFile()) return NO_FACTS
    return await walk(new BoxReader(handle, info.size))
  } catch {
    return NO_FACTS
  } finally {
    await handle?.close().catch(() => {})
  }
}

/** Top-level boxes walked at most when checking a file whole (a fragmented MP4 has many). */
const MAX_TOP_BOXES = 1 << 16

/** Why a file is not a complete MP4: it does not start as one, it is cut short, or has no index. */
export type Mp4Flaw = 'not_mp4' | 'truncated' | 'no_index'

/**
 * Whether the file at `file` is a whole MP4: an "ftyp" box first, a "moov" box (the index a
 * player needs), and top-level boxes that end exactly where the file does (a file cut short has a
 * box that runs past its end). Null when it is whole. Box headers only, read by seeking.
 */
export async function mp4Flaw(file: string): Promise<Mp4Flaw | null> {
  let handle: FileHandle | null = null
  try {
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
    const info = await handle.stat()
    if (!info.isFile()) return 'not_mp4'
    const r = new BoxReader(handle, info.size)
    let moov = false
    let at = 0
    for (let n = 0; at < r.size; n++) {
      if (n >= MAX_TOP_BOXES) return 'truncated'
      const head = await r.read(at, 16)
      if (head.length < 8) return n === 0 ? 'not_mp4' : 'truncated'
      const size32 = head.readUInt32BE(0)
      const type = head.toString('latin1', 4, 8)
      if (n === 0 && type !== 'ftyp') return 'not_mp4'
      const large = size32 === 1 && head.length >= 16 ? Number(head.readBigUInt64BE(8)) : null
      const size = size32 === 0 ? r.size - at : size32 === 1 ? large : size32
      if (size === null || !Number.isSafeInteger(size) || size < (size32 === 1 ? 16 : 8))
        return 'truncated'
      if (at + size > r.size) return 'truncated'
      if (type === 'moov') moov = true
      at += size
    }
    if (at === 0) return 'not_mp4'
    return moov ? null : 'no_index'
  } catch {
    return 'not_mp4'
  } finally {
    await handle?.close().catch(() => {})
  }
}
