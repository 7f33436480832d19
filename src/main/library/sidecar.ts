import type { Job } from '../../shared/jobs'
import type { Text2VideoRequest } from '../../shared/kling'

// The JSON beside each video: enough to rebuild the history from the library folder alone.
// It holds what the person asked for and what the service answered, never the API key.

export const SIDECAR_FORMAT = 'kling-studio.video'
export const SIDECAR_VERSION = 1

export interface Sidecar {
  format: typeof SIDECAR_FORMAT
  version: number
  video: string
  job: {
    id: string
    externalTaskId: string
    taskId: string
    request: Text2VideoRequest
    sandbox: boolean
    favourite: boolean
    createdAt: number
    submittedAt: number | null
    finishedAt: number | null
    units: string | null
    video: { id: string; url: string; duration: string } | null
    bytes: number
  }
}

export function sidecarFor(job: Job, videoName: string, bytes: number): Sidecar {
  return {
    format: SIDECAR_FORMAT,
    version: SIDECAR_VERSION,
    video: videoName,
    job: {
      id: job.id,
      externalTaskId: job.externalTaskId,
      taskId: job.taskId ?? '',
      request: job.request,
      sandbox: job.sandbox,
      favourite: job.favourite,
      createdAt: job.createdAt,
      submittedAt: job.submittedAt,
      finishedAt: job.finishedAt,
      units: job.units,
      video: job.video,
      bytes,
    },
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** A sidecar read back from disk, or null when the file is not one of ours. */
export function readSidecar(text: string): Sidecar | null {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return null
  }
  if (!isRecord(value) || value.format !== SIDECAR_FORMAT || typeof value.video !== 'string')
    return null
  const job = value.job
  if (!isRecord(job) || typeof job.id !== 'string' || typeof job.externalTaskId !== 'string')
    return null
  if (
    typeof job.taskId !== 'string' ||
    !isRecord(job.request) ||
    typeof job.request.prompt !== 'string'
  )
    return null
  if (typeof job.createdAt !== 'number') return null
  return value as unknown as Sidecar
}
