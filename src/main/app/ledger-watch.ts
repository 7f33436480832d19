import type { EventName, EventPayloads } from '../../shared/contract'
import type { Job } from '../../shared/jobs'
import { systemClock, type Clock } from '../tasks/clock'
import type { JobRecord } from '../tasks/ledger'
import { FOLLOWED_STATES, MISSING_CHUNK, type ChangeSource } from '../tasks/ledger-changes'
import { publicJob } from './desktop'
import type { EmitFn } from './runner'

// What other processes do to the history (the command line's generate and resume, a second
// command line), told to the window as the app's own changes are: tasks.updated for every job
// changed, tasks.removed for a followed job that vanished. Every second it reads the history's
// revision (one row); only when that moved does it read the jobs changed since, a page at a time,
// yielding between pages, so a flood of changes never holds the main process. What the app told
// the window itself (through `tap`) is not told again.

export interface LedgerWatchOptions {
  /** Where changes are read (changeSource over the ledger's connection, or a read-only one). */
  source: ChangeSource
  /** What the window hears (the app's emit, untapped). */
  emit: EmitFn
  clock?: Clock
  /** Between two looks at the revision (1000 ms). */
  everyMs?: number
  /** Jobs read at a time (200). */
  pageSize?: number
  /** How many live jobs it follows for removals at most (5000). */
  followMax?: number
  log?: (line: string) => void
}

const FOLLOWED = new Set<string>(FOLLOWED_STATES)

export class LedgerWatch {
  /** Every change up to this revision has been told. */
  private since = 0
  private started = false
  private stopped = false
  private timer: unknown = null
  private looking: Promise<void> | null = null
  private resting: { handle: unknown; done: () => void } | null = null
  /** What the app itself told the window of a job: the revision it sent. */
  private readonly told = new Map<string, number>()
  /** Jobs that may still vanish (live, or needing attention): checked when a removal may have happened. */
  private readonly followed = new Set<string>()

  constructor(private readonly o: LedgerWatchOptions) {}

  private get clock(): Clock {
    return this.o.clock ?? systemClock
  }

  /** Starts looking, from the history as it is now (what the window loads at boot). */
  start(): void {
    if (this.started) return
    this.started = true
    this.since = this.o.source.revision()
    for (const id of this.o.source.followed(this.o.followMax ?? 5_000)) this.followed.add(id)
    this.schedule()
  }

  /** Stops looking; resolves once a look under way has let go of the history. */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer !== null) this.clock.clearTimeout(this.timer)
    this.timer = null
    if (this.resting) {
      this.clock.clearTimeout(this.resting.handle)
      this.resting.done()
    }
    await this.looking
  }

  /**
   * The app's own emit, noted on its way to the window: a job the app already told the window
   * at a revision is not told again at that revision, and a job it removed is not removed twice.
   */
  tap(emit: EmitFn): EmitFn {
    return <E extends EventName>(event: E, payload: EventPayloads[E]) => {
      if (this.started && !this.stopped) this.note(event, payload)
      emit(event, payload)
    }
  }

  private note<E extends EventName>(event: E, payload: EventPayloads[E]): void {
    if (event === 'tasks.updated') {
      const job = payload as Job
      if ((this.told.get(job.id) ?? -1) < job.revision) this.told.set(job.id, job.revision)
      this.follow(job)
    } else if (event === 'tasks.removed') {
      const { id } = payload as EventPayloads['tasks.removed']
      this.followed.delete(id)
      this.told.delete(id)
    }
  }

  /** One look at the history (the timer's; a test may call it between ticks). */
  look(): Promise<void> {
    this.looking ??= this.lookOnce()
      .catch((error: unknown) => {
        const why = error instanceof Error ? error.message : String(error)
        this.o.log?.(`watching the history for other processes' changes: ${why}`)
      })
      .finally(() => (this.looking = null))
    return this.looking
  }

  private schedule(): void {
    if (this.stopped) return
    this.timer = this.clock.setTimeout(() => {
      this.timer = null
      void this.look().then(() => this.schedule())
    }, this.o.everyMs ?? 1_000)
  }

  private async lookOnce(): Promise<void> {
    const from = this.since
    const to = this.o.source.revision()
    if (to <= from || this.stopped) return
    const pageSize = this.o.pageSize ?? 200
    let cursor = from
    /** Rows read whose revision is in (from, to]: one each for every revision not removed or overwritten. */
    let kept = 0
    for (;;) {
      const page = this.o.source.changesAfter(cursor, pageSize)
      for (const job of page.jobs) {
        if (job.revision <= to) kept++
        this.changed(job)
      }
      cursor = page.through
      if (!page.more) break
      if (!(await this.rest())) return
    }
    this.since = Math.max(to, cursor)
    for (const [id, revision] of this.told) if (revision <= this.since) this.told.delete(id)
    // Every revision of the span still on a row: no job left the history in between.
    if (kept < to - from) await this.sweep()
  }

  private changed(job: JobRecord): void {
    this.follow(job)
    if ((this.told.get(job.id) ?? -1) >= job.revision) return
    this.o.emit('tasks.updated', publicJob(job))
  }

  private follow(job: Pick<Job, 'id' | 'state'>): void {
    if (!FOLLOWED.has(job.state)) this.followed.delete(job.id)
    else if (this.followed.size < (this.o.followMax ?? 5_000)) this.followed.add(job.id)
  }

  /** Tells the window of every followed job that left the history, a chunk at a time. */
  private async sweep(): Promise<void> {
    const ids = [...this.followed]
    for (let i = 0; i < ids.length; i += MISSING_CHUNK) {
      if (i > 0 && !(await this.rest())) return
      for (const id of this.o.source.missing(ids.slice(i, i + MISSING_CHUNK))) {
        // Removed by the app meanwhile (and told): only the rest are news.
        if (!this.followed.delete(id)) continue
        this.told.delete(id)
        this.o.emit('tasks.removed', { id })
      }
    }
  }

  /** Lets the main process do other work before the next page; false once stopped. */
  private rest(): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false)
    return new Promise((done) => {
      const finish = () => {
        this.resting = null
        done(!this.stopped)
      }
      this.resting = { handle: this.clock.setTimeout(finish, 0), done: finish }
    })
  }
}
