import type { DialectName } from '../kling/dialects'
import type { ErrorStyle } from './envelopes'
import type { FaultKind } from './faults'

// What a caller can set when it starts an emulator, and what it gets back. server.ts re-exports
// these, so callers import from one place.

export interface EmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number
  host?: string
  /** How many times faster than real time: 180 makes a 3-minute task take a second. */
  timeScale?: number
  /** Share of API requests that get a fault, 0 to 1. */
  faultRate?: number
  faultKinds?: readonly FaultKind[]
  /** Share of video downloads cut short; defaults to faultRate. */
  downloadFaultRate?: number
  seed?: number
  /** When set, only this Bearer key is accepted; otherwise any non-empty one. */
  key?: string
  /**
   * Which gateway to sound like (src/main/kling/dialects.ts): Kling's own envelopes (the default),
   * CometAPI's error envelope, or a relay's (new-api, one-hub), each with its own success
   * shape, errors and "no such task". A relay also finds tasks only by the ids it issued.
   */
  dialect?: DialectName
  /** The older name: 'comet' is dialect 'comet'. `dialect` wins when both are given. */
  errorStyle?: ErrorStyle
  samplesDir?: string
  /** Serve this one file as every result (benchmarks download a large one). */
  resultFile?: string
  /** How long a 'slow' fault holds its answer, in real milliseconds. */
  slowMs?: number
  retryAfterSeconds?: number
  /** Serves videos no faster than this, so a test can stop a process in mid-download. */
  downloadBytesPerSecond?: number
  durations?: { meanSeconds?: number; spread?: number }
  /**
   * How long a result lives for video-extend, in real milliseconds after the task finished. The
   * service keeps results 30 days; the default is that in service time (30 days / timeScale).
   */
  resultLifetimeMs?: number
  /** How long the emulator waits for an image named by URL, in real milliseconds (5000). */
  imageFetchTimeoutMs?: number
  log?: (line: string) => void
}

export interface EmulatorTaskView {
  task_id: string
  /** Which endpoint made it (text2video, image2video, ...). */
  kind: string
  external_task_id: string | null
  /** For an extension, the task it extends; null otherwise. */
  parent_task_id: string | null
  task_status: string
  create_requests: number
  query_requests: number
  callback_deliveries: number
  request: unknown
}

export interface Emulator {
  url: string
  port: number
  tasks(): EmulatorTaskView[]
  close(): Promise<void>
}

/** The service keeps a result 30 days. */
export const RESULT_LIFETIME_SECONDS = 30 * 86_400
