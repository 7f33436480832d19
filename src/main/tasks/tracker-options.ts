import type { JobTrouble } from '../../shared/contract'
import type { Job } from '../../shared/jobs'
import type { VideoKind, VideoRequest } from '../../shared/kling'
import type { BackoffOptions } from '../kling/http'
import type { Videos } from '../kling/videos'
import type { Library } from '../library/library'
import type { Clock } from './clock'
import type { JobRecord, Ledger } from './ledger'
import type { JobScope } from './ledger-claims'
import type { Worker } from './worker'

// What an engine (tracker.ts) is built with, what it tells its owner, what a new job is made of,
// and which jobs of the history its options make its own: the engine's vocabulary, apart from its
// workings.

export type TrackerEvent =
  | { type: 'job'; job: JobRecord }
  | { type: 'progress'; jobId: string; received: number; total: number | null }
  | { type: 'finished'; job: JobRecord }
  /** A step failed here and is tried again later (step-trouble.ts); null once one goes through. */
  | { type: 'trouble'; jobId: string; trouble: JobTrouble | null }

export interface TrackerOptions {
  ledger: Ledger
  /** The client for one address: this engine works only jobs sent there (or not sent yet). */
  client: { baseUrl: string; videos: Pick<Videos, 'create' | 'get' | 'find'> }
  /** Whether it also takes jobs not sent anywhere yet (false: an earlier address's leftovers). */
  takesUnsent?: boolean
  /** Works jobs whatever address they were sent to (the sandbox's emulator, new every launch). */
  anyAddress?: boolean
  library: Pick<Library, 'save' | 'exists' | 'adopt'>
  emit: (event: TrackerEvent) => void
  /** The body a create sends (images inline); the default sends the stored request as it is. */
  wire?: (job: JobRecord) => Promise<Record<string, unknown>>
  clock?: Clock
  random?: () => number
  /** Tasks running on the service at once (Kling counts one slot per running task). */
  concurrency?: number
  /** The global request budget. */
  requestsPerSecond?: number
  burst?: number
  /** Waits after a 1303 (too many parallel tasks) or a create that never left. */
  requeueBackoff?: BackoffOptions
  /** Waits before a step that failed here (the history locked, say) is tried again. */
  stepRetry?: BackoffOptions
  /** Scales the poll policy's intervals (sandbox mode runs the emulator faster than real time). */
  pollScale?: number
  /**
   * 'all' runs every job in the ledger (the app, resume); 'own' only those this engine was given
   * (a command-line generate, which must not take over the app's jobs).
   */
  scope?: 'all' | 'own'
  /** With scope 'all': which jobs to take (the command line leaves the app's sandbox jobs alone). */
  accept?: (job: Job) => boolean
  /**
   * Only sandbox jobs (true) or only real ones (false); left out, both. Unlike `accept`, read in
   * SQL by the look for jobs nobody works, so jobs of the other mode never fill its pages.
   */
  sandbox?: boolean
  /**
   * This process in the history (the app shares one among its engines). Left out, the engine
   * registers a worker of its own and ends it when it stops.
   */
  worker?: Worker
  log?: (line: string) => void
}

export interface NewJobInput {
  kind?: VideoKind
  request: VideoRequest
  externalTaskId: string
  sandbox?: boolean
  parentJobId?: string | null
  /** The takes of one Generate share it. */
  groupId?: string | null
}

/** The jobs an engine built with these options works, as the look for unclaimed ones reads them. */
export function scopeOf(
  o: Pick<TrackerOptions, 'client' | 'anyAddress' | 'takesUnsent' | 'sandbox'>,
): JobScope {
  return {
    ...(o.anyAddress ? {} : { baseUrl: o.client.baseUrl, unsent: o.takesUnsent ?? true }),
    ...(o.sandbox === undefined ? {} : { sandbox: o.sandbox }),
  }
}

/** Whether an engine takes in a job it was not given: of the whole history, of its mode, accepted. */
export function accepts(
  o: Pick<TrackerOptions, 'scope' | 'accept' | 'sandbox'>,
  job: Job,
): boolean {
  if ((o.scope ?? 'all') !== 'all') return false
  return (o.sandbox === undefined || job.sandbox === o.sandbox) && (o.accept?.(job) ?? true)
}
