import { open, rename, rm, stat, statfs, type FileHandle } from 'node:fs/promises'
import { dirname } from 'node:path'
import { mp4Flaw } from '../library/mp4-facts'
import { drain } from './body-drain'
import { fetchGet, type DownloadAnswer, type DownloadGet } from './download-get'
import {
  diskFull,
  downloadFailure,
  isBadFile,
  needsPerson,
  onDisk,
  sizeText,
} from './download-errors'
import { DownloadWatch, type WatchLimits } from './download-watch'
import { KlingApiError, networkError } from './errors'
import { backoffDelay, sleep as defaultSleep, type BackoffOptions, type FetchLike } from './http'
import { nodeGet } from './node-get'

// Bringing one result file home, bounded and honest: at most MAX_VIDEO_BYTES, each attempt cut
// when it goes silent, crawls or outlives its deadline, resumed with Range after a drop. A failure
// on this computer (disk full, read-only, a name too long) is said as such and not retried. Only a
// whole MP4 (the announced length, "ftyp" first, its "moov" index, no box cut short) is renamed
// into place; anything else is removed.

/** The most one video may be: far above any Kling result (a 10 s 1080p clip is tens of MB). */
export const MAX_VIDEO_BYTES = 2_000_000_000
/** One attempt may last this long; the next one resumes where it stopped. */
export const ATTEMPT_DEADLINE_MS = 10 * 60_000
/** At least this much must arrive in every such window, or the attempt is cut (a trickle). */
export const MIN_PROGRESS = { bytes: 64 * 1024, everyMs: 60_000 }
/** The partial file is flushed to disk in the background each time this much more was written. */
const FLUSH_EVERY = 32 * 1024 * 1024

export interface DownloadOptions {
  url: string
  /** The final path. Nothing is ever written there but a complete, checked file. */
  dest: string
  /** The app's fetch (Electron's net.fetch); without it, node:http (node-get.ts). */
  fetch?: FetchLike
  signal?: AbortSignal
  /** Aborts one attempt that stays silent this long; the next attempt resumes. */
  idleTimeoutMs?: number
  /** One attempt's deadline (ATTEMPT_DEADLINE_MS unless given). */
  deadlineMs?: number
  /** The least progress per window (MIN_PROGRESS unless given). */
  minProgress?: { bytes: number; everyMs: number }
  /** The size cap (MAX_VIDEO_BYTES unless given). */
  maxBytes?: number
  attempts?: number
  backoff?: BackoffOptions
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  random?: () => number
  onProgress?: (progress: { received: number; total: number | null }) => void
  /** Where the partial file grows; `<dest>.part` unless given (same file system as dest). */
  partPath?: string
  /** The folder a local failure's message names (the library folder); dest's folder unless given. */
  folder?: string
  /** Checks the finished file; the default insists on a whole MP4. */
  verify?: (path: string) => Promise<void>
}

export interface DownloadResult {
  path: string
  bytes: number
  /** Attempts that resumed a partial file with a Range request. */
  resumes: number
}

export const partialPath = (dest: string): string => `${dest}.part`

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size
  } catch {
    return 0
  }
}

/** A whole MP4: "ftyp" first, a "moov" index, top-level boxes ending exactly at the file's end. */
export async function verifyMp4(path: string): Promise<void> {
  const flaw = await mp4Flaw(path)
  if (flaw === 'not_mp4')
    throw downloadFailure('not_mp4', 'The downloaded file is not an MP4 video; it was not kept')
  if (flaw === 'truncated')
    throw downloadFailure(
      'mp4_truncated',
      `The downloaded video is cut short (its boxes run past the end of its ${sizeText(await sizeOf(path))}); it was not kept`,
    )
  if (flaw === 'no_index')
    throw downloadFailure(
      'mp4_no_index',
      'The downloaded file only starts like an MP4: it has no index ("moov" box) and would not play; it was not kept',
    )
}

// Total size from "bytes 0-99/1234" or "bytes star/1234" (unknown range, known size).
function totalFromContentRange(value: string | null): number | null {
  const m = value ? /\/(\d+)\s*$/.exec(value) : null
  return m ? Number(m[1]) : null
}

interface Plan {
  url: string
  dest: string
  part: string
  folder: string
  get: DownloadGet
  signal: AbortSignal | undefined
  limits: WatchLimits
  maxBytes: number
  onProgress: DownloadOptions['onProgress']
}

/**
 * Streams a result to `<dest>.part`, resuming with a Range request after a dropped connection,
 * checks it, flushes it to disk and only then renames it to `dest`. Result URLs expire, so a
 * 403/404/410 is final.
 */
export async function downloadFile(options: DownloadOptions): Promise<DownloadResult> {
  const attempts = options.attempts ?? 6
  const backoff = options.backoff ?? { baseMs: 500, maxMs: 10_000 }
  const sleep = options.sleep ?? defaultSleep
  const random = options.random ?? Math.random
  const verify = options.verify ?? verifyMp4
  const plan: Plan = {
    url: options.url,
    dest: options.dest,
    part: options.partPath ?? partialPath(options.dest),
    folder: options.folder ?? dirname(options.dest),
    get: options.fetch ? fetchGet(options.fetch) : nodeGet,
    signal: options.signal,
    limits: {
      idleMs: options.idleTimeoutMs ?? 30_000,
      deadlineMs: options.deadlineMs ?? ATTEMPT_DEADLINE_MS,
      minProgress: options.minProgress ?? MIN_PROGRESS,
    },
    maxBytes: options.maxBytes ?? MAX_VIDEO_BYTES,
    onProgress: options.onProgress,
  }
  const counts = { resumes: 0 }

  for (let attempt = 1; ; attempt++) {
    try {
      const bytes = await downloadOnce(plan, counts)
      await verify(plan.part).catch(async (error: unknown) => {
        await rm(plan.part, { force: true }).catch(() => {})
        throw error
      })
      await onDisk(plan.folder, () => rename(plan.part, plan.dest))
      return { path: plan.dest, bytes, resumes: counts.resumes }
    } catch (error) {
      const failure =
        error instanceof KlingApiError
          ? error
          : options.signal?.aborted
            ? new KlingApiError({ kind: 'aborted', message: 'The download was cancelled' })
            : networkError(error, 'Downloading the video')
      // A wrong file cannot be resumed; a partial on a full disk holds space the person needs.
      if (isBadFile(failure) || needsPerson(failure))
        await rm(plan.part, { force: true }).catch(() => {})
      const retryable =
        failure.kind === 'network' || (failure.kind === 'download' && failure.mayHaveReachedServer)
      if (!retryable || attempt >= attempts || options.signal?.aborted) throw failure
      await sleep(backoffDelay(attempt, backoff, random), options.signal)
    }
  }
}

/** One attempt: the request, its answer checked, the body streamed and flushed. Returns the size. */
async function downloadOnce(plan: Plan, counts: { resumes: number }): Promise<number> {
  const have = await sizeOf(plan.part)
  const watch = new DownloadWatch(plan.limits, plan.signal)
  try {
    let res: DownloadAnswer
    try {
      res = await plan.get(plan.url, {
        // Identity: a compressed body would not be the length announced, nor resumable.
        headers: {
          'Accept-Encoding': 'identity',
          ...(have > 0 ? { Range: `bytes=${have}-` } : {}),
        },
        signal: watch.signal,
      })
    } catch (error) {
      throw watch.cut ?? error
    }
    const answer = await answerOf(res, have, plan)
    if ('done' in answer) return answer.done
    if (answer.start > 0) counts.resumes++
    const { start, total } = answer
    await stream(res, plan, watch, start, total)
    const size = await sizeOf(plan.part)
    if (total !== null && size < total)
      throw downloadFailure('dropped', `The download ended early (${size} of ${total} bytes)`, {
        status: res.status,
      })
    if (total !== null && size > total)
      throw downloadFailure(
        'length_mismatch',
        `The video server sent ${size} bytes where it announced ${total}; the file was not kept`,
        { status: res.status },
      )
    return size
  } finally {
    watch.stop()
  }
}

type Answer = { done: number } | { start: number; total: number | null }

/** What the server's status and headers say: where the body starts and the whole file's size. */
async function answerOf(res: DownloadAnswer, have: number, plan: Plan): Promise<Answer> {
  const refuse = async (error: KlingApiError): Promise<never> => {
    await res.body?.cancel().catch(() => {})
    throw error
  }
  if (res.status === 416) {
    const total = totalFromContentRange(res.header('content-range'))
    if (total !== null && total === have) {
      await res.body?.cancel().catch(() => {})
      return { done: have }
    }
    await onDisk(plan.folder, () => rm(plan.part, { force: true }))
    return refuse(
      downloadFailure(
        'restart',
        'The partial download no longer matches the file; starting again',
        {
          status: 416,
        },
      ),
    )
  }
  if (res.status === 403 || res.status === 404 || res.status === 410)
    return refuse(
      downloadFailure(
        'link_gone',
        `The video link has expired or is gone (HTTP ${res.status}); results are kept for 30 days`,
        { status: res.status },
      ),
    )
  if (res.status !== 200 && res.status !== 206)
    return refuse(
      downloadFailure('http', `The video server answered HTTP ${res.status}`, {
        status: res.status,
        retryable: res.status >= 500 || res.status === 429,
      }),
    )
  if (!res.body)
    return refuse(
      downloadFailure('dropped', 'The video server sent no body', { status: res.status }),
    )
  let start = 0
  let total: number | null
  if (res.status === 206) {
    const range = /bytes\s+(\d+)-\d+\/(\d+|\*)/.exec(res.header('content-range') ?? '')
    start = range ? Number(range[1]) : -1
    if (start !== have) {
      await onDisk(plan.folder, () => rm(plan.part, { force: true }))
      return refuse(
        downloadFailure('restart', 'The server resumed at the wrong offset; starting again', {
          status: 206,
        }),
      )
    }
    total = range && range[2] !== '*' ? Number(range[2]) : null
  } else {
    const length = res.header('content-length')
    const encoding = (res.header('content-encoding') ?? 'identity').toLowerCase()
    // A compressed body's length is not the file's: the MP4 check decides then.
    total =
      length !== null && /^\d+$/.test(length) && encoding === 'identity' ? Number(length) : null
  }
  if (total !== null && total > plan.maxBytes)
    return refuse(
      downloadFailure(
        'too_large',
        `The video server announced ${sizeText(total)}, more than the ${sizeText(plan.maxBytes)} ` +
          'a video may be (no Kling result is that large); nothing was kept',
        { status: res.status },
      ),
    )
  return { start, total }
}

/** Refuses before writing when the disk cannot hold what is left to come. */
async function ensureRoom(plan: Plan, need: number): Promise<void> {
  const free = await statfs(dirname(plan.part)).then(
    (s) => s.bavail * s.bsize,
    () => null,
  )
  if (free !== null && need > free) throw diskFull(plan.folder, need, free)
}

/**
 * The body into the partial file (read as it arrives, so a dropped connection loses nothing that
 * was received), counted against the cap, watched for silence and crawl, and flushed to disk.
 */
async function stream(
  res: DownloadAnswer,
  plan: Plan,
  watch: DownloadWatch,
  start: number,
  total: number | null,
): Promise<void> {
  let received = start
  let written = start
  plan.onProgress?.({ received, total })
  // Opened once the body is being read: bytes that arrive meanwhile wait in memory, not in a
  // stream that would drop them if the connection failed.
  let file: FileHandle | null = null
  // Written back while the rest arrives, so the last flush has little left to do. A failure
  // waits for that last flush (the promise is handled at once: no unhandled rejection).
  let unflushed = 0
  let flushing: Promise<void> = Promise.resolve()
  const prepare = async (): Promise<FileHandle> => {
    if (total !== null) await ensureRoom(plan, total - start)
    return onDisk(plan.folder, () => open(plan.part, start > 0 ? 'a' : 'w'))
  }
  try {
    await drain(res.body!, {
      take: (chunk) => {
        received += chunk.length
        if (received > plan.maxBytes)
          throw downloadFailure(
            'too_large',
            `The video server sent more than ${sizeText(plan.maxBytes)} (no Kling result is ` +
              'that large); stopped, and nothing was kept',
            { status: res.status },
          )
        watch.arrived(chunk.length)
      },
      write: async (chunks, bytes) => {
        file ??= await prepare()
        const to = file
        await onDisk(plan.folder, () => writeAll(to, chunks, bytes))
        written += bytes
        plan.onProgress?.({ received: written, total })
        if ((unflushed += bytes) >= FLUSH_EVERY) {
          unflushed = 0
          flushing = flushing.then(() => to.datasync())
          flushing.catch(() => {})
        }
      },
    })
    file ??= await prepare()
    // Flushed before the rename, so a crash cannot leave a complete-looking but empty file.
    const done = file
    await onDisk(plan.folder, async () => {
      await flushing
      await done.sync()
    })
  } catch (error) {
    if (error instanceof KlingApiError) throw error
    if (watch.cut) throw watch.cut
    if (plan.signal?.aborted)
      throw new KlingApiError({ kind: 'aborted', message: 'The download was cancelled' })
    const why =
      error instanceof Error
        ? ((error.cause as Error | undefined)?.message ?? error.message)
        : String(error)
    throw downloadFailure(
      'dropped',
      `The connection dropped after ${received} of ${total ?? 'an unknown number of'} bytes (${why})`,
      { status: res.status, cause: error },
    )
  } finally {
    await flushing.catch(() => {})
    await file?.close().catch(() => {})
  }
}

/** Chunks written in order with one call (the rest one by one should the system take less). */
async function writeAll(file: FileHandle, chunks: Uint8Array[], bytes: number): Promise<void> {
  let done = (await file.writev(chunks)).bytesWritten
  if (done === bytes) return
  for (const chunk of chunks) {
    const skip = Math.min(done, chunk.length)
    done -= skip
    for (let at = skip; at < chunk.length;) at += (await file.write(chunk, at)).bytesWritten
  }
}
