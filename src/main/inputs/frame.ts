import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readIfAny, runFfmpeg as run } from '../library/ffmpeg-run'
import { InputError } from './errors'
import { readImageBytes, type ImageRead } from './read-image'

// A frame of a video already in the library, as a PNG image to start (or end) the next clip from.
// The command line asks ffmpeg when it is on PATH; the app's window can capture the frame itself
// and hand over PNG bytes instead (readImageBytes), so ffmpeg is never required.

export type FrameTime = number | 'last'

export interface FrameOptions {
  /** The ffmpeg to run: a name looked up on PATH, or a path; "ffmpeg" unless given. */
  ffmpeg?: string
  /** 60 s unless given. */
  timeoutMs?: number
  /** Where the frame is written for a moment; the system's temp folder unless given. */
  tmpDir?: string
  /** The request field named in errors; "image" unless given. */
  field?: string
}

/** How a frame's provenance is written: the video's path and `#t=<seconds>` or `#t=last`. */
export function frameOrigin(videoFile: string, at: FrameTime): string {
  return `${videoFile}#t=${at}`
}

/**
 * Seeks before opening the input (`-ss` before `-i`: fast, and exact since ffmpeg decodes from the
 * keyframe before). For the last frame it starts a second before the end (`-sseof -1`) and keeps
 * overwriting one PNG, so what is left is the last frame decoded, whatever the frame rate.
 */
function argsFor(videoFile: string, at: FrameTime, out: string, seek: boolean): string[] {
  const position = !seek ? [] : at === 'last' ? ['-sseof', '-1'] : ['-ss', String(at)]
  const frames = at === 'last' ? [] : ['-frames:v', '1']
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    ...position,
    '-i',
    videoFile,
    '-map',
    '0:v:0',
    ...frames,
    '-update',
    '1',
    '-c:v',
    'png',
    '-f',
    'image2',
    '-y',
    out,
  ]
}

/** The frame at `at` seconds (or the last one) of a video file, as PNG bytes. */
export async function frameOf(
  videoFile: string,
  at: FrameTime,
  options: FrameOptions = {},
): Promise<Buffer> {
  const field = options.field ?? 'image'
  if (at !== 'last' && !(typeof at === 'number' && Number.isFinite(at) && at >= 0)) {
    throw InputError.of(
      field,
      'frame_time',
      `${field}: a frame is named by seconds from the start (0 or more) or "last" (not ${String(at)})`,
    )
  }
  const isFile = await stat(videoFile).then(
    (s) => s.isFile(),
    () => false,
  )
  if (!isFile) {
    throw InputError.of(
      field,
      'input_missing',
      `${field} names a video that does not exist: ${videoFile}`,
      { path: videoFile },
    )
  }
  const ffmpeg = options.ffmpeg ?? 'ffmpeg'
  const dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), 'kling-frame-'))
  try {
    const out = join(dir, 'frame.png')
    const timeoutMs = options.timeoutMs ?? 60_000
    let result = await run(ffmpeg, argsFor(videoFile, at, out, true), timeoutMs)
    if (result.code === 'ENOENT' || result.code === 'EACCES') {
      throw InputError.of(
        field,
        'ffmpeg_missing',
        `${field}: taking a frame of a video needs ffmpeg, which was not found (${ffmpeg}); install ffmpeg, or pick the frame in the app`,
        { ffmpeg },
      )
    }
    // The end of the file may be the end of a longer sound track: then decode the whole video.
    if (at === 'last' && result.code === 0 && (await readIfAny(out)) === null) {
      result = await run(ffmpeg, argsFor(videoFile, at, out, false), timeoutMs)
    }
    const png = result.code === 0 ? await readIfAny(out) : null
    if (png !== null) return png
    const said = result.stderr.trim().split('\n').pop()?.trim()
    const detail =
      result.code === 0
        ? `the video has no frame at ${at} s; is it shorter? ("last" takes the last frame)`
        : result.timedOut
          ? 'ffmpeg took too long'
          : `ffmpeg could not read it${said ? `: ${said}` : ''}`
    throw InputError.of(
      field,
      'frame_unreadable',
      `${field}: no frame could be taken from ${videoFile} (${detail})`,
      { path: videoFile, at: String(at) },
    )
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** A frame as a checked input image, with its provenance, ready for InputStore.put. */
export async function readFrame(
  videoFile: string,
  at: FrameTime,
  options: FrameOptions = {},
): Promise<ImageRead> {
  const png = await frameOf(videoFile, at, options)
  return readImageBytes(
    png,
    { source: 'frame', origin: frameOrigin(videoFile, at) },
    { field: options.field },
  )
}
