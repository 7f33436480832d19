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

export interface QueueStats {
  running: number
  queued: number
  concurrency: number
  paused: boolean
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
  'library.rescan': call<void, { found: number; added: number; missing: number }>(none),
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

/** What main binds to the contract: one function per call (src/main/app builds them). */
export type Handlers = {
  [N in CallName]: (input: CallInput<N>) => Promise<CallOutput<N>> | CallOutput<N>
}

export interface EventPayloads {
  'tasks.updated': Job
  /** A job left the history (deleted, or cancelled before it was sent). */
  'tasks.removed': { id: string }
  'download.progress': { jobId: string; received: number; total: number | null }
  'settings.changed': Settings
  'key.changed': KeyStatus
  'queue.changed': QueueStats
  /** A notification was clicked: bring this job into view. */
  'app.showJob': { id: string }
}
export type EventName = keyof EventPayloads
export const EVENTS: readonly EventName[] = [
  'tasks.updated',
  'tasks.removed',
  'download.progress',
  'settings.changed',
  'key.changed',
  'queue.changed',
  'app.showJob',
]

export const channelFor = (name: CallName): string => `kling:call:${name}`
export const eventChannelFor = (name: EventName): string => `kling:event:${name}`
