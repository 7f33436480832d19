import { downloadFailure, sizeText } from './download-errors'
import type { KlingApiError } from './errors'

// The clocks of one download attempt: silence for too long, too little progress over a window (a
// trickle of a few bytes every few seconds would otherwise never end) and an overall deadline.
// Any of them cuts the attempt with a message saying which; the next attempt resumes the partial.

export interface WatchLimits {
  /** Nothing arrived for this long. */
  idleMs: number
  /** The attempt as a whole, headers to last byte. */
  deadlineMs: number
  /** At least `bytes` must arrive in every `everyMs`. */
  minProgress: { bytes: number; everyMs: number }
}

export const durationText = (ms: number): string =>
  ms >= 60_000 ? `${+(ms / 60_000).toFixed(1)} min` : `${+(ms / 1000).toFixed(1)} s`

const AGAIN = 'the download resumes where it stopped'

export class DownloadWatch {
  /** Aborted when the attempt is cut (or the outer signal is). */
  readonly signal: AbortSignal
  /** Why the attempt was cut, once it was. */
  cut: KlingApiError | null = null
  private readonly controller = new AbortController()
  /** Bytes that arrived in this attempt, and at the last progress check. */
  private received = 0
  private mark = 0
  private idle: ReturnType<typeof setTimeout> | null = null
  private readonly deadline: ReturnType<typeof setTimeout>
  private readonly progress: ReturnType<typeof setInterval>

  constructor(
    private readonly limits: WatchLimits,
    outer: AbortSignal | undefined,
  ) {
    this.signal = outer ? AbortSignal.any([outer, this.controller.signal]) : this.controller.signal
    this.deadline = setTimeout(
      () =>
        this.end(
          `The download did not finish within ${durationText(limits.deadlineMs)} ` +
            `(${sizeText(this.received)} arrived); ${AGAIN}`,
        ),
      limits.deadlineMs,
    )
    const { bytes, everyMs } = limits.minProgress
    this.progress = setInterval(() => {
      const got = this.received - this.mark
      this.mark = this.received
      if (got < bytes)
        this.end(
          `The video server sent only ${sizeText(got)} in ${durationText(everyMs)}, ` +
            `too slow to finish; ${AGAIN}`,
        )
    }, everyMs)
    this.armIdle()
  }

  /** So many more bytes arrived. */
  arrived(bytes: number): void {
    this.received += bytes
    this.armIdle()
  }

  stop(): void {
    if (this.idle) clearTimeout(this.idle)
    clearTimeout(this.deadline)
    clearInterval(this.progress)
  }

  private armIdle(): void {
    // Once a chunk: the same timer started again, not a new one (once cleared it stays so).
    if (this.idle) {
      this.idle.refresh()
      return
    }
    this.idle = setTimeout(
      () =>
        this.end(`The video server sent nothing for ${durationText(this.limits.idleMs)}; ${AGAIN}`),
      this.limits.idleMs,
    )
  }

  private end(message: string): void {
    if (this.cut) return
    this.cut = downloadFailure('too_slow', message)
    this.stop()
    this.controller.abort(this.cut)
  }
}
