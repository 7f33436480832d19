import type { JobTrouble, TroubleKind } from '../../shared/contract'
import { backoffDelay, type BackoffOptions } from '../kling/http'
import type { TrackerOptions } from './tracker-options'

// A step that fails for a reason other than the service's answer (the steps deal with those):
// most often the history itself, SQLite saying it is locked by another program past the busy
// wait, that its disk is full, or that it cannot be written. The step is tried again after a
// growing wait with jitter, and what went wrong is kept here, in memory only (the history may be
// what fails), for the job's card: the kind, a fixed message, the tries in a row, the next one.

/** Waits between tries of a failing step: 1 s, 2 s, 4 s ... up to a minute, with equal jitter. */
export const STEP_RETRY: BackoffOptions = { baseMs: 1_000, maxMs: 60_000 }

/** What each kind says, in English for the log and support (the window says it by kind). */
export const TROUBLE_TEXT: Record<TroubleKind, string> = {
  locked: 'The history is locked by another program',
  full: 'The disk holding the history is full',
  write: 'The history could not be written',
  unexpected: 'Something unexpected went wrong',
}

/** SQLite's primary result codes (the low byte of an extended code) that are the history's. */
const BY_CODE: Record<number, TroubleKind> = {
  3: 'write', // SQLITE_PERM
  5: 'locked', // SQLITE_BUSY
  6: 'locked', // SQLITE_LOCKED
  8: 'write', // SQLITE_READONLY
  10: 'write', // SQLITE_IOERR
  11: 'write', // SQLITE_CORRUPT
  13: 'full', // SQLITE_FULL
  14: 'write', // SQLITE_CANTOPEN
  15: 'write', // SQLITE_PROTOCOL
  26: 'write', // SQLITE_NOTADB
}

/** SQLite's own texts, for an error that lost its code on the way (wrapped, rethrown). */
const BY_TEXT: [RegExp, TroubleKind][] = [
  [/database is locked|database table is locked|SQLITE_BUSY|SQLITE_LOCKED/i, 'locked'],
  [/database or disk is full|SQLITE_FULL/i, 'full'],
  [
    /disk I\/O error|readonly database|disk image is malformed|not a database|unable to open database|SQLITE_(IOERR|READONLY|CORRUPT|CANTOPEN|NOTADB|PERM|PROTOCOL)/i,
    'write',
  ],
]

/** What a failed step's error says of the history (node:sqlite: code ERR_SQLITE_ERROR, errcode). */
export function troubleKindOf(error: unknown): TroubleKind {
  if (typeof error !== 'object' || error === null) return 'unexpected'
  const e = error as { code?: unknown; errcode?: unknown; message?: unknown }
  if (typeof e.errcode === 'number') {
    const kind = BY_CODE[e.errcode & 0xff]
    if (kind) return kind
  }
  const said = `${typeof e.code === 'string' ? e.code : ''} ${typeof e.message === 'string' ? e.message : ''}`
  for (const [pattern, kind] of BY_TEXT) if (pattern.test(said)) return kind
  // Any other SQLite error (a statement the history refused): still the history not written.
  return e.code === 'ERR_SQLITE_ERROR' ? 'write' : 'unexpected'
}

/** What a call says when the history refused it: null for an error that is not SQLite's. */
export function historyFailure(error: unknown): { code: string; message: string } | null {
  if (typeof error !== 'object' || error === null) return null
  if ((error as { code?: unknown }).code !== 'ERR_SQLITE_ERROR') return null
  const kind = troubleKindOf(error)
  const said = (error as { message?: unknown }).message
  return {
    code: `history_${kind}`,
    message: `${TROUBLE_TEXT[kind]}${typeof said === 'string' && said ? ` (${said})` : ''}`,
  }
}

/** The troubles of one engine's jobs, by id: set when a step fails, gone when one goes through. */
export class StepTroubles {
  private readonly held = new Map<string, JobTrouble>()
  private stopped = false

  constructor(
    /** The engine's: how long to wait (STEP_RETRY unless given), whom to tell, where to log. */
    private readonly o: Pick<TrackerOptions, 'stepRetry' | 'emit' | 'log'>,
    private readonly random: () => number,
    private readonly now: () => number,
  ) {}

  /** A step of the job failed: kept, logged and told; answers the wait before the next try. */
  failed(jobId: string, error: unknown): number {
    const kind = troubleKindOf(error)
    const attempts = (this.held.get(jobId)?.attempts ?? 0) + 1
    const delayMs = backoffDelay(attempts, this.o.stepRetry ?? STEP_RETRY, this.random)
    const trouble = { kind, message: TROUBLE_TEXT[kind], attempts, retryAt: this.now() + delayMs }
    this.held.set(jobId, trouble)
    const why = error instanceof Error ? error.stack : String(error)
    this.o.log?.(
      `job ${jobId}: ${trouble.message}, try ${attempts}, again in ${delayMs} ms: ${why}`,
    )
    if (!this.stopped) this.o.emit({ type: 'trouble', jobId, trouble })
    return delayMs
  }

  /** The job's step went through, or the job left this engine: its trouble, if any, goes. */
  settle(jobId: string): void {
    if (this.held.delete(jobId) && !this.stopped)
      this.o.emit({ type: 'trouble', jobId, trouble: null })
  }

  /** Every job's trouble, by id (a copy). */
  all(): Record<string, JobTrouble> {
    return Object.fromEntries(this.held)
  }

  /** The engine stops: nothing more is told (its owner clears what it showed). */
  stop(): void {
    this.stopped = true
  }
}
