import {
  closeSync,
  existsSync,
  openSync,
  readSync,
  renameSync,
  statfsSync,
  statSync,
} from 'node:fs'
import { basename, dirname, extname, join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import type { HistoryProblem } from '../../shared/contract'
import { Ledger } from '../tasks/ledger'
import { SCHEMA_VERSION } from '../tasks/migrations'
import { FLAG as SPEND_FLAG } from '../tasks/spend-buckets'

// Opening the history (history.db) in a hostile world: a file cut short, overwritten with
// garbage, held by another process for longer than the wait, on a full disk, or written by a
// newer app. Each is
// told apart here, once, as a HistoryProblem the app shows in its window and the command line
// prints in one line. A history already at this schema is opened read-only by readers (no write,
// no lock: a list answers while another process writes); only a missing or older one needs the
// write that creates or migrates it. A damaged file is never deleted: it is moved aside.

/** How long a reader's opening waits for another process's transaction. */
const BUSY_WAIT_MS = 5_000
/**
 * The meta keys the ledger's opening sets once it has filled what it fills once (ensureTerms,
 * ensureSpend): a history without one of them needs that write, so it is not opened read-only.
 */
const FILLED_ONCE = ['search_terms', SPEND_FLAG]

/** A history that cannot be used; the problem says which way and what to do. */
export class HistoryUnusable extends Error {
  constructor(readonly problem: HistoryProblem) {
    super(problem.message)
    this.name = 'HistoryUnusable'
  }
}

/** SQLite's primary result codes that say what kind of trouble a history is in. */
const DAMAGED = new Set([11 /* SQLITE_CORRUPT */, 26 /* SQLITE_NOTADB */])
const LOCKED = new Set([5 /* SQLITE_BUSY */, 6 /* SQLITE_LOCKED */])
const FULL = 13 // SQLITE_FULL
const IOERR = 10 // SQLITE_IOERR: what a full disk gives when even the -shm file cannot be made
/** Under this much room on the history's disk, an I/O error there is the disk being full. */
const FULL_BELOW_BYTES = 1024 * 1024

/** Whether the disk holding `file` has (almost) no room left; false when that cannot be told. */
function diskFull(file: string): boolean {
  try {
    const fs = statfsSync(dirname(file))
    return fs.bavail * fs.bsize < FULL_BELOW_BYTES
  } catch {
    return false
  }
}

/** The problem an error from the history means, or null for any other error. */
export function problemOf(error: unknown, file: string): HistoryProblem | null {
  if (error instanceof HistoryUnusable) return error.problem
  const e = error as { code?: unknown; errcode?: unknown; errstr?: unknown; message?: unknown }
  if (e?.code !== 'ERR_SQLITE_ERROR' || typeof e.errcode !== 'number') return null
  // Extended codes (SQLITE_CORRUPT_VTAB, SQLITE_BUSY_SNAPSHOT, ...) keep the primary in the low byte.
  const primary = e.errcode & 0xff
  const detail = typeof e.errstr === 'string' ? e.errstr : String(e.message)
  if (DAMAGED.has(primary)) return { kind: 'damaged', message: detail, file }
  if (primary === FULL || (primary === IOERR && diskFull(file))) {
    const full = `the disk holding it is full (${detail}); free some space there`
    return { kind: 'full', message: full, file }
  }
  if (LOCKED.has(primary)) {
    // Opening waits 5 s for it, a later write 1 s (ledger.ts): the wait is not said, only who.
    const waited = `another process is holding it (${detail})`
    return { kind: 'locked', message: waited, file }
  }
  return null
}

/**
 * A file whose header names more pages than it holds was cut short. Checked only when no
 * write-ahead log holds pages of its own: a checkpoint cut off by a crash leaves the file short
 * and its pages in the log, and SQLite finishes it.
 */
function truncation(file: string): string | null {
  const wal = `${file}-wal`
  if (existsSync(wal) && statSync(wal).size > 0) return null
  const header = Buffer.alloc(100)
  const fd = openSync(file, 'r')
  let read: number
  try {
    read = readSync(fd, header, 0, 100, 0)
  } finally {
    closeSync(fd)
  }
  if (read < 100 || header.toString('latin1', 0, 16) !== 'SQLite format 3\0') return null
  const raw = header.readUInt16BE(16)
  const pageSize = raw === 1 ? 65_536 : raw
  const pages = header.readUInt32BE(28)
  // The page count is trusted only when written by the same change as the file (SQLite's rule).
  if (header.readUInt32BE(92) !== header.readUInt32BE(24) || pages === 0) return null
  const size = statSync(file).size
  return size < pages * pageSize
    ? `the file was cut short: ${size} of its ${pages * pageSize} bytes are there`
    : null
}

/**
 * Where the history stands, read on a read-only connection (closed again): 'missing', 'older'
 * (needs the migration that a write brings) or 'current'. Throws HistoryUnusable when damaged,
 * held too long, or newer than this app.
 */
export function historyState(file: string): 'missing' | 'older' | 'current' {
  if (!existsSync(file)) return 'missing'
  const cut = truncation(file)
  if (cut) throw new HistoryUnusable({ kind: 'damaged', message: cut, file })
  let db: DatabaseSync | null = null
  try {
    db = new DatabaseSync(file, { readOnly: true, timeout: BUSY_WAIT_MS })
    const meta = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'")
    if (!meta.get()) return 'older'
    const value = (key: string) =>
      (db!.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: unknown })?.value
    const version = Number(value('schema_version') ?? 0)
    if (version > SCHEMA_VERSION) {
      const message = `it was written by a newer Kling Studio (schema ${version}; this one knows ${SCHEMA_VERSION})`
      throw new HistoryUnusable({ kind: 'newer', message, file })
    }
    // Current means the ledger's opening has nothing left to write: the schema, and every table
    // filled once.
    const filled = FILLED_ONCE.every((key) => value(key) !== undefined)
    return version === SCHEMA_VERSION && filled ? 'current' : 'older'
  } catch (error) {
    const problem = problemOf(error, file)
    throw problem ? new HistoryUnusable(problem) : error
  } finally {
    db?.close()
  }
}

export interface OpenHistoryOptions {
  now?: () => number
  /** Only reads: opened read-only when the history is already at this schema. */
  readOnly?: boolean
}

/** The ledger over a history, or HistoryUnusable saying why not. */
export function openHistory(file: string, o: OpenHistoryOptions = {}): Ledger {
  const state = historyState(file)
  try {
    return new Ledger(file, o.now, { readOnly: o.readOnly === true && state === 'current' })
  } catch (error) {
    const problem = problemOf(error, file)
    throw problem ? new HistoryUnusable(problem) : error
  }
}

/** history.damaged-2026-05-04-153000.db: the day and time of the move, local. */
function asideName(file: string, at: Date, n: number): string {
  const ext = extname(file)
  const pad = (v: number) => String(v).padStart(2, '0')
  const day = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`
  const time = `${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}`
  const stem = basename(file, ext)
  return join(dirname(file), `${stem}.damaged-${day}-${time}${n > 1 ? `-${n}` : ''}${ext}`)
}

/**
 * Moves a damaged history aside with its -wal and -shm (never deleted: what can be saved of it
 * stays), to a name no earlier move took; returns the new path. Nothing may have it open.
 */
export function moveAside(file: string, now: Date = new Date()): string {
  let n = 1
  let aside = asideName(file, now, n)
  while (['', '-wal', '-shm'].some((s) => existsSync(`${aside}${s}`)))
    aside = asideName(file, now, ++n)
  // The log first: a history without its log is an older state of itself, never a broken one.
  for (const suffix of ['-wal', '-shm', '']) {
    if (existsSync(`${file}${suffix}`)) renameSync(`${file}${suffix}`, `${aside}${suffix}`)
  }
  return aside
}

/** What the command line prints for a problem: one line, with what to do. */
export function problemLine(problem: HistoryProblem): string {
  const at = `the history at ${problem.file}`
  switch (problem.kind) {
    case 'damaged':
      return `${at} is damaged (${problem.message}); move it aside or run the app to start afresh`
    case 'locked':
      return `${at} is busy: ${problem.message}; try again when the other process is done`
    case 'full':
      return `${at} cannot be written: ${problem.message}, then try again`
    case 'newer':
      return `${at} cannot be read: ${problem.message}; update Kling Studio to use it`
  }
}
