import { DatabaseSync, type StatementSync } from 'node:sqlite'
import { parentPort, workerData } from 'node:worker_threads'
import type { JobQuery } from '../../shared/jobs'
import { listJobs, type ListSource } from './ledger-list'
import { termsBeginning } from './search-terms'

// The library's pages and searches, answered off the main thread on a read connection of their
// own (WAL lets it read while main writes). However long a search over a big history takes, the
// window and the engine never wait for it. ledger-reader.ts starts this and talks to it.

const db = new DatabaseSync((workerData as { path: string }).path, {
  readOnly: true,
  timeout: 5_000,
})
const statements = new Map<string, StatementSync>()
const source: ListSource = {
  stmt: (sql) => {
    let s = statements.get(sql)
    if (!s) statements.set(sql, (s = db.prepare(sql)))
    return s
  },
  expand: (folded) => termsBeginning(source.stmt, folded),
}

parentPort?.on('message', ({ id, query }: { id: number; query: JobQuery }) => {
  try {
    parentPort!.postMessage({ id, page: listJobs(source, query) })
  } catch (error) {
    // SQLite's codes go along: main tells a full disk or a damaged file by them.
    const { code, errcode, errstr } = error as {
      code?: unknown
      errcode?: unknown
      errstr?: unknown
    }
    parentPort!.postMessage({
      id,
      error: error instanceof Error ? error.message : String(error),
      sqlite: typeof errcode === 'number' ? { code, errcode, errstr } : undefined,
    })
  }
})
