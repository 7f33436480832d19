import type { Job, JobPage, JobQuery, JobState } from './jobs'
import type { VideoKind, VideoRequest } from './kling'
import type { Settings } from './settings'
import type { SpendSummary } from './spend'
import {
  createInput,
  exportIds,
  extendInput,
  factsIds,
  favouriteInput,
  inputBytes,
  historyFile,
  jobId,
  keyInput,
  listInput,
  none,
  posterInput,
  rerunInput,
  settingsPatch,
  urlInput,
} from './contract-checks'

// Every call between the renderer and main, declared once: its name, how its input is checked
// (the checks themselves: contract-checks.ts), and what it answers. main binds these names to
// services (src/main/ipc), preload exposes them as window.api (src/shared/bridge.ts), and nothing
// else crosses.

export { EXPORT_IDS_MAX, FACTS_IDS_MAX, TAKES_MAX } from './contract-checks'

export type Check<T> = (input: unknown) => { ok: true; value: T } | { ok: false; message: string }

export interface ErrorPayload {
  code: string
  message: string
  requestId?: string
}
export type Envelope<T> = { ok: true; data: T } | { ok: false; error: ErrorPayload }

/** A create from the compose form: the kind, its request and how many takes (external ids made by main unless given). */
export interface CreateInput {
  kind?: VideoKind
  request: VideoRequest
  /** 1 to TAKES_MAX; 1 when left out. */
  takes?: number
  /** The person chose to pass a budget cap for this Generate (refused with over_budget otherwise). */
  overBudget?: boolean
}

/** A rerun of a job with some fields changed: a new paid job. */
export interface RerunInput {
  id: string
  changes: Partial<Record<string, unknown>>
  overBudget?: boolean
}

/** An extension of a finished video: what to say about the seconds added, all optional. */
export interface ExtendInput {
  id: string
  prompt?: string
  negative_prompt?: string
  cfg_scale?: number
  overBudget?: boolean
}

/** What the window learns of an input image it handed over: its name and its facts. */
export interface InputInfo {
  ref: string
  format: 'jpeg' | 'png'
  width: number
  height: number
  bytes: number
}

export interface InputBytes {
  bytes: Uint8Array
  /** Dropped or pasted from outside, or a frame of a library video the window captured. */
  source: 'file' | 'paste' | 'frame'
  /** A frame's video and time, for its provenance. */
  jobId?: string
  at?: number
}

export interface KeyStatus {
  set: boolean
  last4: string | null
  /** Where it is kept: the OS keychain, or Electron's encrypted file. */
  storage: 'keychain' | 'safe-storage' | 'memory'
  warning: string | null
}

export interface KeyTest {
  valid: boolean
  message: string
  requestId: string | null
}

export interface AppInfo {
  version: string
  platform: string
  sandbox: boolean
  /** Why sandbox mode is on: chosen in settings, or no key yet. */
  sandboxReason: 'setting' | 'no_key' | null
  libraryFolder: string
  /** Prefix of a saved video's URL: media://video/ in the app (the browser tests serve their own). */
  mediaBase: string
  /** Prefix of a saved video's poster frame (a JPEG made once and cached): media://poster/ in the app. */
  posterBase: string
  /** Set when the history could not be opened: the window shows only this, with the way out. */
  historyProblem?: HistoryProblem
}

/**
 * Why the history (history.db) cannot be used: damaged (cut short, garbage: can be moved aside
 * for a fresh one), locked (another process held it past the wait: try again), full (the disk
 * holding it has no room: free some, then try again) or newer (written by a newer app: left as it
 * is). `message` is the detail in English, `file` its path.
 */
export interface HistoryProblem {
  kind: 'damaged' | 'locked' | 'full' | 'newer'
  message: string
  file: string
}

/** What a saved video file is, read from the file itself (null where the file does not say). */
export interface MediaFacts {
  width: number | null
  height: number | null
  fps: number | null
  durationSeconds: number | null
  bytes: number
  /** The file's name in the library folder. */
  fileName: string
}

/** What an export did: the folder chosen (null: cancelled) and each video's outcome. */
export interface ExportResult {
  folder: string | null
  /** Videos copied (with their sidecars). */
  exported: number
  /**
   * Videos not copied, and videos copied without one of the input images they were made from
   * (counted in `exported` too; the message says which image and why).
   */
  failed: { id: string; message: string }[]
}

/** Why a rescan left a sidecar out. */
export const SIDECAR_SKIP_REASONS = [
  'too_large', // over the size a sidecar can have: not read at all
  'unreadable', // not a plain file, or could not be read
  'not_json', // not JSON text
  'invalid', // a field of the wrong type, out of range or too long (`field` names it)
  'no_video', // the MP4 beside it is missing or is not an MP4
  'known_job', // names a job the history already has, with another file: never re-pointed
] as const
export type SidecarSkipReason = (typeof SIDECAR_SKIP_REASONS)[number]

/** One sidecar a rescan skipped: its file (relative to the library folder), the field, and why. */
export interface SkippedSidecar {
  file: string
  /** The field that failed ("job.createdAt"), null when the file as a whole was refused. */
  field: string | null
  reason: SidecarSkipReason
  /** English, for support: what was wrong, never the value itself. */
  message: string
}

/** The most skipped sidecars a rescan lists (skippedCount says how many there were in all). */
export const RESCAN_SKIPPED_LISTED = 20

/** What a rescan of the library folder found. */
export interface RescanResult {
  /** Sidecars that checked out, their video beside them. */
  found: number
  /** Of those, jobs new to the history. */
  added: number
  /** Jobs whose recorded file is no longer on disk. */
  missing: number
  /** The first RESCAN_SKIPPED_LISTED sidecars left out, in file-name order. */
  skipped: SkippedSidecar[]
  skippedCount: number
}

export interface QueueStats {
  running: number
  queued: number
  concurrency: number
  paused: boolean
  /**
   * Jobs whose last step failed here and waits to be tried again, by id: what a window opened
   * later shows at once (left out where no engine runs: a history that could not be opened).
   */
  troubles?: Record<string, JobTrouble>
}

/**
 * Why a step of a job failed here, apart from what the service answered (the job's own error
 * says that): the history locked by another program past the wait, the disk holding it full, the
 * history not written for another reason, or something unexpected.
 */
export type TroubleKind = 'locked' | 'full' | 'write' | 'unexpected'

/**
 * A job whose step failed here and is tried again after a growing wait. Kept in main's memory
 * only (the history may be what fails), gone when a step goes through. `message` is English and
 * fixed per kind (never the service's words, never the key); `retryAt` is when the next try runs.
 */
export interface JobTrouble {
  kind: TroubleKind
  message: string
  /** Failed tries in a row. */
  attempts: number
  /** Epoch milliseconds. */
  retryAt: number
}

export interface JobDetails {
  job: Job
  history: { at: number; state: JobState; taskStatus: string | null; message: string }[]
  /** Typical seconds to finish for jobs like this one, learnt here (null before any). */
  estimateSeconds: number | null
}

interface Call<I, O> {
  input: Check<I>
  /** Phantom: the answer's type, for the bridge. */
  output?: O
}
const call = <I, O>(input: Check<I>): Call<I, O> => ({ input })

export const CALLS = {
  'key.status': call<void, KeyStatus>(none),
  'key.set': call<{ key: string }, KeyStatus>(keyInput),
  'key.clear': call<void, KeyStatus>(none),
  'key.test': call<void, KeyTest>(none),
  'settings.get': call<void, Settings>(none),
  'settings.update': call<Partial<Settings>, Settings>(settingsPatch),
  /** One Generate: 1-4 takes, each its own job; several share a groupId. */
  'tasks.create': call<CreateInput, Job[]>(createInput),
  /** About 5 s more of a finished video: a new job whose parent is that video's job. */
  'tasks.extend': call<ExtendInput, Job>(extendInput),
  'tasks.list': call<JobQuery, JobPage>(listInput),
  'tasks.get': call<{ id: string }, JobDetails>(jobId),
  'tasks.retryDownload': call<{ id: string }, Job>(jobId),
  'tasks.recheck': call<{ id: string }, Job>(jobId),
  /** Sends an unconfirmed create again, with its own external id (looked up first). */
  'tasks.resend': call<{ id: string }, Job>(jobId),
  'tasks.rerun': call<RerunInput, Job>(rerunInput),
  'tasks.favourite': call<{ id: string; favourite: boolean }, Job>(favouriteInput),
  /** Drops a job still waiting here (queued, never sent: nothing paid); refused once sending began. */
  'tasks.cancel': call<{ id: string }, void>(jobId),
  'queue.pause': call<void, QueueStats>(none),
  'queue.resume': call<void, QueueStats>(none),
  'queue.stats': call<void, QueueStats>(none),
  'library.reveal': call<{ id: string }, void>(jobId),
  'library.open': call<{ id: string }, void>(jobId),
  'library.startDrag': call<{ id: string }, void>(jobId),
  'library.delete': call<{ id: string }, void>(jobId),
  /** The facts of saved video files, read from the files (ids without a saved file are left out). */
  'library.facts': call<{ ids: string[] }, Record<string, MediaFacts>>(factsIds),
  /**
   * Copies the videos (each with its sidecar and input images) into a folder the person picks,
   * once for a whole selection (up to EXPORT_IDS_MAX).
   */
  'library.export': call<{ ids: string[] }, ExportResult>(exportIds),
  /** Keeps a poster frame the window captured, for a video main could not make one of. */
  'library.setPoster': call<{ id: string; bytes: Uint8Array }, void>(posterInput),
  /** Rebuilds the history from the library folder's sidecars; bad ones are skipped and named. */
  'library.rescan': call<void, RescanResult>(none),
  /** The OS folder picker for the library folder: the folder chosen, or null if cancelled. */
  'library.chooseFolder': call<void, string | null>(none),
  /** An image the window holds (dropped, pasted, a captured frame), checked and kept by main. */
  'inputs.add': call<InputBytes, InputInfo>(inputBytes),
  /** An image at an address, fetched, checked and kept by main. */
  'inputs.fromUrl': call<{ url: string }, InputInfo>(urlInput),
  /** The OS file picker for an image: the image kept, or null if cancelled. */
  'inputs.chooseFile': call<void, InputInfo | null>(none),
  'app.info': call<void, AppInfo>(none),
  /**
   * A damaged history (app.info's historyProblem): moves that file aside (never deleted) and
   * restarts the app on a new one. The window names the file it showed; any other is refused.
   */
  'app.startAfresh': call<{ file: string }, void>(historyFile),
  /** Restarts the app (a history another process held: try again). */
  'app.restart': call<void, void>(none),
  /**
   * What was charged (final_unit_deduction) by day, week, month and model, what is on its way,
   * and the caps: the spend view, and the window's own budget check before Generate.
   */
  'spend.summary': call<void, SpendSummary>(none),
} as const

export type CallName = keyof typeof CALLS
export type CallInput<N extends CallName> =
  (typeof CALLS)[N] extends Call<infer I, unknown> ? I : never
export type CallOutput<N extends CallName> =
  (typeof CALLS)[N] extends Call<unknown, infer O> ? O : never

type Handler<N extends CallName> = (input: CallInput<N>) => Promise<CallOutput<N>> | CallOutput<N>

/** The calls about the app process itself, which the composition root answers (main/index.ts). */
export type RootCallName = 'app.startAfresh' | 'app.restart'
export type RootHandlers = { [N in RootCallName]: Handler<N> }

/**
 * What main binds to the contract: one function per call (src/main/app builds them); the root
 * calls only where there is an app process to restart (main/index.ts adds RootHandlers).
 */
export type Handlers = {
  [N in Exclude<CallName, RootCallName>]: Handler<N>
} & Partial<RootHandlers>

export interface EventPayloads {
  'tasks.updated': Job
  /** A job left the history (deleted, or cancelled before it was sent). */
  'tasks.removed': { id: string }
  'download.progress': { jobId: string; received: number; total: number | null }
  /** A job's step failed here and waits to be tried again; null once a step goes through. */
  'tasks.trouble': { jobId: string; trouble: JobTrouble | null }
  'settings.changed': Settings
  'key.changed': KeyStatus
  'queue.changed': QueueStats
  /** A notification was clicked: bring this job into view. */
  'app.showJob': { id: string }
  /** The app menu's File > Rescan Library: the window rescans and shows what it found. */
  'app.rescanLibrary': Record<string, never>
}
export type EventName = keyof EventPayloads
export const EVENTS: readonly EventName[] = [
  'tasks.updated',
  'tasks.removed',
  'download.progress',
  'tasks.trouble',
  'settings.changed',
  'key.changed',
  'queue.changed',
  'app.showJob',
  'app.rescanLibrary',
]

export const channelFor = (name: CallName): string => `kling:call:${name}`
export const eventChannelFor = (name: EventName): string => `kling:event:${name}`
