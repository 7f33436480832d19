import { open, rename, rm, stat } from 'node:fs/promises'
import { createWriteStream } from 'node:fs'
import { Readable, Transform } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import { pipeline } from 'node:stream/promises'
import { KlingApiError, networkError } from './errors'
import { backoffDelay, sleep as defaultSleep, type BackoffOptions, type FetchLike } from './http'

export interface DownloadOptions {
  url: string
  /** The final path. Nothing is ever written there but a complete, checked file. */
  dest: string
  fetch?: FetchLike
  signal?: AbortSignal
  /** Aborts one attempt that stays silent this long; the next attempt resumes. */
  idleTimeoutMs?: number
  attempts?: number
  backoff?: BackoffOptions
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  random?: () => number
  onProgress?: (progress: { received: number; total: number | null }) => void
  /** Where the partial file grows; `<dest>.part` unless given (same file system as dest). */
  partPath?: string
  /** Checks the finished file; the default insists on an MP4 (an "ftyp" box first). */
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

/** An MP4 starts with a box whose type, at bytes 4-8, is "ftyp". */
export async function verifyMp4(path: string): Promise<void> {
  const fh = await open(path, 'r')
  try {
    const head = Buffer.alloc(12)
    const { bytesRead } = await fh.read(head, 0, 12, 0)
    if (bytesRead < 12 || head.toString('latin1', 4, 8) !== 'ftyp') {
      throw new KlingApiError({
        kind: 'download',
        message: 'The downloaded file is not an MP4 video',
        mayHaveReachedServer: false,
      })
    }
  } finally {
    await fh.close()
  }
}

function downloadError(message: string, status: number | null, retryable: boolean): KlingApiError {
  // Reused as "may have reached": for downloads it marks an error worth another attempt.
  return new KlingApiError({ kind: 'download', message, status, mayHaveReachedServer: retryable })
}

// Total size from "bytes 0-99/1234" or "bytes star/1234" (unknown range, known size).
function totalFromContentRange(value: string | null): number | null {
  const m = value ? /\/(\d+)\s*$/.exec(value) : null
  return m ? Number(m[1]) : null
}

/**
 * Streams a result to `<dest>.part`, resuming with a Range request after a dropped connection,
 * checks it, flushes it to disk and only then renames it to `dest`. Result URLs expire, so a
 * 403/404/410 is final.
 */
export async function downloadFile(options: DownloadOptions): Promise<DownloadResult> {
  const fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const attempts = options.attempts ?? 6
  const backoff = options.backoff ?? { baseMs: 500, maxMs: 10_000 }
  const sleep = options.sleep ?? defaultSleep
  const random = options.random ?? Math.random
  const verify = options.verify ?? verifyMp4
  const part = options.partPath ?? partialPath(options.dest)
  let resumes = 0

  for (let attempt = 1; ; attempt++) {
    try {
      const bytes = await downloadOnce()
      await verify(part).catch(async (error: unknown) => {
        await rm(part, { force: true })
        throw error
      })
      await rename(part, options.dest)
      return { path: options.dest, bytes, resumes }
    } catch (error) {
      const failure =
        error instanceof KlingApiError
          ? error
          : options.signal?.aborted
            ? new KlingApiError({ kind: 'aborted', message: 'The download was cancelled' })
            : networkError(error, 'Downloading the video')
      const retryable =
        failure.kind === 'network' || (failure.kind === 'download' && failure.mayHaveReachedServer)
      if (!retryable || attempt >= attempts || options.signal?.aborted) throw failure
      await sleep(backoffDelay(attempt, backoff, random), options.signal)
    }
  }

  async function downloadOnce(): Promise<number> {
    const have = await sizeOf(part)
    const idle = new AbortController()
    const signal = options.signal ? AbortSignal.any([options.signal, idle.signal]) : idle.signal
    const idleMs = options.idleTimeoutMs ?? 30_000
    let idleTimer = setTimeout(() => idle.abort(), idleMs)
    const touch = () => {
      clearTimeout(idleTimer)
      idleTimer = setTimeout(() => idle.abort(), idleMs)
    }
    try {
      const res = await fetchFn(options.url, {
        method: 'GET',
        headers: have > 0 ? { Range: `bytes=${have}-` } : {},
        signal,
      })
      if (res.status === 416) {
        await res.body?.cancel()
        const total = totalFromContentRange(res.headers.get('content-range'))
        if (total !== null && total === have) return have
        await rm(part, { force: true })
        throw downloadError(
          'The partial download no longer matches the file; starting again',
          416,
          true,
        )
      }
      if (res.status === 403 || res.status === 404 || res.status === 410) {
        await res.body?.cancel()
        throw downloadError(
          `The video link has expired or is gone (HTTP ${res.status}); results are kept for 30 days`,
          res.status,
          false,
        )
      }
      if (res.status !== 200 && res.status !== 206) {
        await res.body?.cancel()
        throw downloadError(
          `The video server answered HTTP ${res.status}`,
          res.status,
          res.status >= 500 || res.status === 429,
        )
      }
      if (!res.body) throw downloadError('The video server sent no body', res.status, true)

      let start = 0
      let total: number | null
      if (res.status === 206) {
        const range = /bytes\s+(\d+)-\d+\/(\d+|\*)/.exec(res.headers.get('content-range') ?? '')
        start = range ? Number(range[1]) : -1
        if (start !== have) {
          await res.body.cancel()
          await rm(part, { force: true })
          throw downloadError('The server resumed at the wrong offset; starting again', 206, true)
        }
        total = range && range[2] !== '*' ? Number(range[2]) : null
        if (have > 0) resumes++
      } else {
        const length = res.headers.get('content-length')
        total = length !== null && /^\d+$/.test(length) ? Number(length) : null
      }
      let received = start
      options.onProgress?.({ received, total })
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          received += chunk.length
          touch()
          options.onProgress?.({ received, total })
          done(null, chunk)
        },
      })
      const sink = createWriteStream(part, { flags: start > 0 ? 'a' : 'w' })
      await pipeline(Readable.fromWeb(res.body as NodeReadableStream), counter, sink)
      const size = await sizeOf(part)
      if (total !== null && size !== total) {
        throw downloadError(
          `The download ended early (${size} of ${total} bytes)`,
          res.status,
          true,
        )
      }
      // Flush before the rename, so a crash cannot leave a complete-looking but empty file.
      const fh = await open(part, 'r+')
      await fh.sync().finally(() => fh.close())
      return size
    } finally {
      clearTimeout(idleTimer)
    }
  }
}
