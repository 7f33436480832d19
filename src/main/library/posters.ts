import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ffmpegMissing, readIfAny, runFfmpeg } from './ffmpeg-run'
import { limit, type Limit } from './limit'

// A poster frame per saved video: a JPEG made once and kept in the app's data folder (posters/,
// beside the history), so the library grid shows a picture without opening every video. Made on
// first request by ffmpeg when it is installed; when it is not (or fails on a file), the window
// captures a frame itself and hands the JPEG over (put). One ffmpeg run per video however many
// ask at once, and at most two runs at a time.

export const POSTERS_DIR = 'posters'

/** A JPEG starts with a Start Of Image marker followed by another marker. */
export const isJpeg = (bytes: Uint8Array): boolean =>
  bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff

export interface PosterOptions {
  /** Where posters are kept (created when the first is written). */
  folder: string
  /** The saved video of a job, or null when it has none. */
  videoFor(jobId: string): string | null
  /** The ffmpeg to run ("ffmpeg" on PATH unless given); null: never run it. */
  ffmpeg?: string | null
  /** Per run; 60 s unless given. */
  timeoutMs?: number
  /** How many ffmpeg runs at once; 2 unless given. */
  runs?: number
}

/** Where in the video the poster is taken; a shorter video gives its first frame. */
const POSTER_AT = 0.5
const POSTER_WIDTH = 640
/** Videos ffmpeg already failed on this session, remembered so it is not asked again and again. */
const MAX_FAILED = 1000

function posterArgs(video: string, out: string, seek: boolean): string[] {
  return [
    ...['-hide_banner', '-nostdin', '-loglevel', 'error'],
    ...(seek ? ['-ss', String(POSTER_AT)] : []),
    ...['-i', video, '-map', '0:v:0', '-frames:v', '1'],
    ...['-vf', `scale='min(${POSTER_WIDTH},iw)':-2`, '-q:v', '4'],
    ...['-c:v', 'mjpeg', '-update', '1', '-f', 'image2', '-y', out],
  ]
}

export class PosterStore {
  private readonly making = new Map<string, Promise<string | null>>()
  private readonly failed = new Set<string>()
  private readonly runs: Limit
  private ffmpegFound = true
  private tmpCount = 0

  constructor(private readonly o: PosterOptions) {
    this.runs = limit(o.runs ?? 2)
  }

  get folder(): string {
    return this.o.folder
  }

  fileOf(jobId: string): string {
    return join(this.o.folder, `${jobId}.jpg`)
  }

  private async present(jobId: string): Promise<string | null> {
    const file = this.fileOf(jobId)
    const info = await stat(file).catch(() => null)
    return info?.isFile() && info.size > 0 ? file : null
  }

  /** The poster's file, made now if need be; null when there is none and none can be made. */
  async get(jobId: string): Promise<string | null> {
    const pending = this.making.get(jobId)
    if (pending) return pending
    const file = await this.present(jobId)
    if (file) return file
    const video = this.o.videoFor(jobId)
    const ffmpeg = this.o.ffmpeg === undefined ? 'ffmpeg' : this.o.ffmpeg
    if (!video || ffmpeg === null || !this.ffmpegFound || this.failed.has(jobId)) return null
    // Checked again: another request may have started it while this one looked at the disk.
    const again = this.making.get(jobId)
    if (again) return again
    const made = this.runs(() => this.make(jobId, video, ffmpeg)).finally(() =>
      this.making.delete(jobId),
    )
    this.making.set(jobId, made)
    return made
  }

  private tmpFor(jobId: string): string {
    return join(this.o.folder, `.${jobId}.${process.pid}.${++this.tmpCount}.tmp`)
  }

  private async make(jobId: string, video: string, ffmpeg: string): Promise<string | null> {
    await mkdir(this.o.folder, { recursive: true })
    const tmp = this.tmpFor(jobId)
    try {
      const timeoutMs = this.o.timeoutMs ?? 60_000
      let run = await runFfmpeg(ffmpeg, posterArgs(video, tmp, true), timeoutMs)
      if (ffmpegMissing(run)) {
        this.ffmpegFound = false
        return null
      }
      // Shorter than the seek: no frame there, so the first one.
      if (run.code === 0 && (await readIfAny(tmp)) === null)
        run = await runFfmpeg(ffmpeg, posterArgs(video, tmp, false), timeoutMs)
      const jpeg = run.code === 0 ? await readIfAny(tmp) : null
      if (!jpeg || !isJpeg(jpeg)) {
        if (this.failed.size >= MAX_FAILED) this.failed.clear()
        this.failed.add(jobId)
        return null
      }
      await rename(tmp, this.fileOf(jobId))
      return this.fileOf(jobId)
    } finally {
      await rm(tmp, { force: true })
    }
  }

  /** Keeps a poster the window captured (JPEG bytes, already checked), replacing any. */
  async put(jobId: string, bytes: Uint8Array): Promise<void> {
    await this.making.get(jobId)
    await mkdir(this.o.folder, { recursive: true })
    const tmp = this.tmpFor(jobId)
    try {
      await writeFile(tmp, bytes)
      await rename(tmp, this.fileOf(jobId))
    } finally {
      await rm(tmp, { force: true })
    }
    this.failed.delete(jobId)
  }

  /** Drops a job's poster (its video was deleted), after any run still making it. */
  async remove(jobId: string): Promise<void> {
    await this.making.get(jobId)
    await rm(this.fileOf(jobId), { force: true })
    this.failed.delete(jobId)
  }
}
