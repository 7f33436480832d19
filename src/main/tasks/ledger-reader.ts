import { existsSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import type { JobQuery } from '../../shared/jobs'
import type { Ledger, ListPage } from './ledger'

// Where the window's library pages come from: a worker thread with its own read connection
// (list-worker.ts), so a search over a million jobs never holds the main process; or, where no
// worker file was built (the command line, tests that do not ask for one) or the worker fails,
// the ledger itself.

/** What the list worker answers: a page, or the failure with SQLite's codes when it had them. */
interface WorkerAnswer {
  id: number
  page?: ListPage
  error?: string
  sqlite?: { code: unknown; errcode: number; errstr: unknown }
}

export class LedgerReader {
  private worker: Worker | null = null
  private broken = false
  private next = 1
  private readonly waiting = new Map<
    number,
    { ok: (p: ListPage) => void; fail: (e: Error) => void }
  >()

  constructor(
    private readonly ledger: Ledger,
    private readonly workerFile: string | null,
    private readonly log?: (line: string) => void,
  ) {}

  /** Starts the worker now (the app does at launch), rather than at the first query. */
  open(): Worker | null {
    if (this.worker || this.broken || !this.workerFile || !existsSync(this.workerFile))
      return this.worker
    const worker = new Worker(this.workerFile, { workerData: { path: this.ledger.path } })
    worker.unref()
    worker.on('message', (m: WorkerAnswer) => {
      const w = this.waiting.get(m.id)
      this.waiting.delete(m.id)
      if (m.page) w?.ok(m.page)
      // Rebuilt with SQLite's codes, as the same failure on this thread would carry them.
      else w?.fail(Object.assign(new Error(m.error ?? 'the library query failed'), m.sqlite))
    })
    // The worker folds the log back now and then; main's writes no longer stop for it.
    this.ledger.db.exec('PRAGMA wal_autocheckpoint = 0')
    const down = (why: string) => {
      this.restoreCheckpoints()
      this.log?.(`library worker stopped (${why}); queries run on the main thread`)
      this.broken = true
      this.worker = null
      for (const w of this.waiting.values()) w.fail(new Error('the library worker stopped'))
      this.waiting.clear()
    }
    worker.on('error', (e) => down(e.message))
    worker.on('exit', (code) => code !== 0 && down(`exit ${code}`))
    this.worker = worker
    return worker
  }

  /** One page of the library, newest first (see Ledger.list). */
  async list(query: JobQuery): Promise<ListPage> {
    const worker = this.open()
    if (!worker) return this.ledger.list(query)
    const id = this.next++
    try {
      return await new Promise<ListPage>((ok, fail) => {
        this.waiting.set(id, { ok, fail })
        worker.postMessage({ id, query })
      })
    } catch (error) {
      // A worker gone mid-query: the answer still comes, from the main thread.
      if (this.broken) return this.ledger.list(query)
      throw error
    }
  }

  async close(): Promise<void> {
    const worker = this.worker
    this.worker = null
    this.broken = true
    if (!worker) return
    worker.removeAllListeners('exit')
    worker.removeAllListeners('error')
    await worker.terminate()
    this.restoreCheckpoints()
  }

  /** Main folds the log itself again (the ledger may be closed already: nothing to do then). */
  private restoreCheckpoints(): void {
    try {
      this.ledger.db.exec('PRAGMA wal_autocheckpoint = 1000')
    } catch {
      // Closed.
    }
  }
}
