import type { StatementSync } from 'node:sqlite'
import { LIVE_STATES } from '../../shared/jobs'

// Which process works which job, kept in the history itself so every process on one data folder
// (the app, command lines) sees the same answer. A process is a worker with a heartbeat; a job is
// worked by the one worker holding its claim. A claim is taken in one BEGIN IMMEDIATE write: a
// job that is free, already ours, or held by a worker that is no longer alive (its heartbeat older
// than the stale limit, or, on this computer, its process gone) becomes ours; a job a live worker
// holds is left to it. Time and the process check come in as arguments, so tests can fake both.

export interface ClaimsLedger {
  prepare(sql: string): StatementSync
  transaction<T>(fn: () => T): T
}

export interface WorkerRow {
  id: string
  pid: number
  host: string
  /** What the process is: 'app', 'cli resume', 'cli generate', ... */
  role: string
  startedAt: number
  heartbeatAt: number
}

/** How a worker's life is judged: by whom (host), when (now), and how. */
export interface Liveness {
  now: number
  /** A heartbeat older than this is a dead worker's. */
  staleMs: number
  /** This computer: a worker of another one is judged by its heartbeat alone. */
  host: string
  /** Whether a process of this computer still runs. */
  pidAlive(pid: number): boolean
}

export type Claim =
  | {
      ok: true
      /** The worker it was taken over from (stale or gone), if any. */ from: WorkerRow | null
    }
  | {
      ok: false
      /** The live worker holding it; null when the job is gone. */ owner: WorkerRow | null
    }

interface Row {
  id: string
  pid: number
  host: string
  role: string
  started_at: number
  heartbeat_at: number
}

const toWorker = (r: Row): WorkerRow => ({
  id: r.id,
  pid: Number(r.pid),
  host: r.host,
  role: r.role,
  startedAt: Number(r.started_at),
  heartbeatAt: Number(r.heartbeat_at),
})

/** Whether a process of this computer still runs (a signal 0 only asks; EPERM: it runs, not ours). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}

export function isStale(worker: WorkerRow, l: Liveness): boolean {
  if (l.now - worker.heartbeatAt > l.staleMs) return true
  return worker.host === l.host && !l.pidAlive(worker.pid)
}

/**
 * Writes a worker's row (or brings it back, after another process pruned it as dead) with a fresh
 * heartbeat. The rows and claims of dead workers go at the same time: nobody will come back for
 * them, and their jobs are free for whoever asks next.
 */
export function registerWorker(db: ClaimsLedger, worker: WorkerRow, l: Liveness): void {
  db.transaction(() => {
    for (const dead of allWorkers(db).filter((w) => w.id !== worker.id && isStale(w, l))) {
      db.prepare('DELETE FROM job_claims WHERE worker_id = ?').run(dead.id)
      db.prepare('DELETE FROM workers WHERE id = ?').run(dead.id)
    }
    beat(db, worker)
  })
}

function beat(db: ClaimsLedger, w: WorkerRow): void {
  db.prepare(
    `INSERT INTO workers (id, pid, host, role, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`,
  ).run(w.id, w.pid, w.host, w.role, w.startedAt, w.heartbeatAt)
}

/** The worker is alive at `now` (its row is written again if it was pruned meanwhile). */
export function heartbeat(db: ClaimsLedger, worker: WorkerRow, now: number): void {
  beat(db, { ...worker, heartbeatAt: now })
}

/** The worker ends: every job it holds is free at once. */
export function unregisterWorker(db: ClaimsLedger, workerId: string): void {
  db.transaction(() => {
    db.prepare('DELETE FROM job_claims WHERE worker_id = ?').run(workerId)
    db.prepare('DELETE FROM workers WHERE id = ?').run(workerId)
  })
}

/** The claim on a job as it stands: its worker id, and that worker's row (null: gone). */
function claimOf(
  db: ClaimsLedger,
  jobId: string,
): { workerId: string; worker: WorkerRow | null } | null {
  const row = db
    .prepare(
      `SELECT c.worker_id AS worker_id, w.id, w.pid, w.host, w.role, w.started_at, w.heartbeat_at
       FROM job_claims c LEFT JOIN workers w ON w.id = c.worker_id WHERE c.job_id = ?`,
    )
    .get(jobId) as (Row & { worker_id: string }) | undefined
  if (!row) return null
  return { workerId: row.worker_id, worker: row.id === null ? null : toWorker(row) }
}

/** What a claim attempt finds without writing: ours, a live worker's, or takeable (undefined). */
function settled(
  claim: ReturnType<typeof claimOf>,
  workerId: string,
  l: Liveness,
): Claim | undefined {
  if (!claim) return undefined
  if (claim.workerId === workerId) return { ok: true, from: null }
  if (claim.worker && !isStale(claim.worker, l)) return { ok: false, owner: claim.worker }
  return undefined
}

/**
 * Makes the job this worker's, in one write transaction: free, already ours, or held by a dead
 * worker (taken over). A job a live worker holds stays its. A look without writing comes first,
 * so asking about a job another process works costs no write lock.
 */
export function claimJob(db: ClaimsLedger, jobId: string, workerId: string, l: Liveness): Claim {
  const seen = settled(claimOf(db, jobId), workerId, l)
  if (seen) return seen
  return db.transaction((): Claim => {
    const claim = claimOf(db, jobId)
    const found = settled(claim, workerId, l)
    if (found) return found
    if (!db.prepare('SELECT 1 FROM jobs WHERE id = ?').get(jobId)) return { ok: false, owner: null }
    db.prepare(
      `INSERT INTO job_claims (job_id, worker_id, claimed_at) VALUES (?, ?, ?)
       ON CONFLICT (job_id) DO UPDATE SET worker_id = excluded.worker_id, claimed_at = excluded.claimed_at`,
    ).run(jobId, workerId, l.now)
    return { ok: true, from: claim?.worker ?? null }
  })
}

/** Lets a job go (it ended, or this worker stops); a claim another worker took is left alone. */
export function releaseJob(db: ClaimsLedger, jobId: string, workerId: string): void {
  db.prepare('DELETE FROM job_claims WHERE job_id = ? AND worker_id = ?').run(jobId, workerId)
}

/** Whether this worker holds the job's claim right now (inside a write: the guard of that write). */
export function holdsClaim(db: ClaimsLedger, jobId: string, workerId: string): boolean {
  return (
    db
      .prepare('SELECT 1 FROM job_claims WHERE job_id = ? AND worker_id = ?')
      .get(jobId, workerId) !== undefined
  )
}

/** Who works a job: its live owner, or null (free, or its owner is dead). */
export function ownerOf(db: ClaimsLedger, jobId: string, l: Liveness): WorkerRow | null {
  const claim = claimOf(db, jobId)
  return claim?.worker && !isStale(claim.worker, l) ? claim.worker : null
}

function allWorkers(db: ClaimsLedger): WorkerRow[] {
  return (db.prepare('SELECT * FROM workers ORDER BY started_at').all() as unknown as Row[]).map(
    toWorker,
  )
}

/** Every worker still alive, oldest first. */
export function liveWorkers(db: ClaimsLedger, l: Liveness): WorkerRow[] {
  return allWorkers(db).filter((w) => !isStale(w, l))
}

/** Which unfinished jobs a look for unclaimed ones is about; a field left out does not narrow it. */
export interface JobScope {
  /** Sent to this address (as the transport writes it: no trailing slash). */
  baseUrl?: string
  /** With baseUrl: jobs not sent anywhere yet count too. */
  unsent?: boolean
  /** Only sandbox jobs (true), or only real ones (false). */
  sandbox?: boolean
}

/** A page of unclaimed jobs, oldest first; `next` goes on after it (null: there is no more). */
export interface UnclaimedPage {
  ids: string[]
  next: number | null
}

const WORKED_STATES = [...LIVE_STATES, 'needs_attention']
/** By the state index: the unfinished jobs are few, whatever the size of the history. */
const UNCLAIMED_FROM = 'jobs j INDEXED BY jobs_state LEFT JOIN job_claims c ON c.job_id = j.id'

/**
 * The WHERE of jobs still to be worked (live, or an unconfirmed create) in a scope that no live
 * worker holds: never claimed, let go, or their worker died. Liveness is judged here once, over
 * the few rows of `workers`, and the jobs are narrowed in SQL, so no page is filled with jobs of
 * another address, another mode or a live owner.
 */
function unclaimedWhere(
  db: ClaimsLedger,
  l: Liveness,
  scope: JobScope,
): { sql: string; args: (string | number)[] } {
  const live = liveWorkers(db, l).map((w) => w.id)
  const where = [
    `j.state IN (${WORKED_STATES.map(() => '?').join(', ')})`,
    '(c.worker_id IS NULL OR c.worker_id NOT IN (SELECT value FROM json_each(?)))',
  ]
  const args: (string | number)[] = [...WORKED_STATES, JSON.stringify(live)]
  if (scope.sandbox !== undefined) {
    where.push('j.sandbox = ?')
    args.push(scope.sandbox ? 1 : 0)
  }
  if (scope.baseUrl !== undefined) {
    where.push(scope.unsent ? '(j.base_url = ? OR j.base_url IS NULL)' : 'j.base_url = ?')
    args.push(scope.baseUrl)
  }
  return { sql: where.join(' AND '), args }
}

/**
 * Jobs of a scope to be worked that no live worker holds, oldest first, a page at a time: what an
 * engine that follows the whole history takes in, so a job a command line left behind is not left
 * for good. Walk every page (pass `next` back as `after`): later pages hold newer jobs.
 */
export function unclaimedJobs(
  db: ClaimsLedger,
  l: Liveness,
  scope: JobScope = {},
  after: number | null = null,
  limit = 500,
): UnclaimedPage {
  const { sql, args } = unclaimedWhere(db, l, scope)
  const from = after === null ? '' : 'j.rowid > ? AND '
  const rows = db
    .prepare(
      `SELECT j.rowid AS pos, j.id FROM ${UNCLAIMED_FROM}
       WHERE ${from}${sql} ORDER BY j.rowid LIMIT ?`,
    )
    .all(...(after === null ? [] : [after]), ...args, limit) as unknown as {
    pos: number
    id: string
  }[]
  return {
    ids: rows.map((r) => r.id),
    next: rows.length < limit ? null : Number(rows[rows.length - 1]!.pos),
  }
}

/**
 * The addresses that unclaimed jobs of a scope were sent to, apart from those in `known`: where
 * the app has jobs left behind and no engine to follow them (one small read, whatever the count).
 */
export function unclaimedAddresses(
  db: ClaimsLedger,
  l: Liveness,
  scope: JobScope,
  known: readonly string[],
): string[] {
  const { sql, args } = unclaimedWhere(db, l, scope)
  const rows = db
    .prepare(
      `SELECT DISTINCT j.base_url AS address FROM ${UNCLAIMED_FROM}
       WHERE ${sql} AND j.base_url IS NOT NULL
         AND j.base_url NOT IN (SELECT value FROM json_each(?)) ORDER BY j.base_url`,
    )
    .all(...args, JSON.stringify(known)) as unknown as { address: string }[]
  return rows.map((r) => r.address)
}

/** One worker's row, alive or not (null: it ended, or was pruned as dead). */
export function workerRow(db: ClaimsLedger, workerId: string): WorkerRow | null {
  const row = db.prepare('SELECT * FROM workers WHERE id = ?').get(workerId) as Row | undefined
  return row ? toWorker(row) : null
}
