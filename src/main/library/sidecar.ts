import type { Job } from '../../shared/jobs'
import {
  imagesOf,
  isVideoKind,
  parseInputRef,
  type VideoKind,
  type VideoRequest,
} from '../../shared/kling'

// The JSON beside each video: enough to rebuild the history from the library folder alone.
// It holds what the person asked for and what the service answered, never the API key; images a
// request used are named, and pointed to in the library's Inputs folder (kept by content hash),
// never inlined.

export const SIDECAR_FORMAT = 'kling-studio.video'
/**
 * 2 added kind, parentJobId and inputs; version 1 sidecars read as text-to-video. groupId (the
 * takes of one Generate) is optional within 2: a sidecar without it reads as a single take.
 */
export const SIDECAR_VERSION = 2
export const INPUTS_FOLDER = 'Inputs'

export interface SidecarInput {
  /** Where it sits in the request ("image", "image_list[1].image"). */
  at: string
  /** Its name in the request: input:<sha256>.<ext>. */
  ref: string
  /** The copy, relative to the library folder. */
  file: string
}

export interface Sidecar {
  format: typeof SIDECAR_FORMAT
  version: number
  video: string
  job: {
    id: string
    kind: VideoKind
    parentJobId: string | null
    groupId: string | null
    externalTaskId: string
    taskId: string
    request: VideoRequest
    sandbox: boolean
    favourite: boolean
    createdAt: number
    submittedAt: number | null
    finishedAt: number | null
    units: string | null
    video: { id: string; url: string; duration: string } | null
    bytes: number
  }
  inputs: SidecarInput[]
}

export function sidecarFor(job: Job, videoName: string, bytes: number): Sidecar {
  const inputs: SidecarInput[] = []
  for (const { at, value } of imagesOf(
    job.kind,
    job.request as unknown as Record<string, unknown>,
  )) {
    const ref = parseInputRef(value)
    if (ref) inputs.push({ at, ref: value, file: `${INPUTS_FOLDER}/${ref.sha256}.${ref.ext}` })
  }
  return {
    format: SIDECAR_FORMAT,
    version: SIDECAR_VERSION,
    video: videoName,
    job: {
      id: job.id,
      kind: job.kind,
      parentJobId: job.parentJobId,
      groupId: job.groupId,
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
    inputs,
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
  if (typeof job.taskId !== 'string' || !isRecord(job.request)) return null
  if (typeof job.createdAt !== 'number') return null
  const kind = job.kind === undefined ? 'text2video' : job.kind
  if (!isVideoKind(kind)) return null
  if (kind === 'text2video' && typeof job.request.prompt !== 'string') return null
  const parentJobId = typeof job.parentJobId === 'string' ? job.parentJobId : null
  const groupId =
    typeof job.groupId === 'string' && /^[\w-]{1,64}$/.test(job.groupId) ? job.groupId : null
  const inputs = Array.isArray(value.inputs) ? (value.inputs as SidecarInput[]) : []
  return {
    ...(value as unknown as Sidecar),
    job: { ...(job as unknown as Sidecar['job']), kind, parentJobId, groupId },
    inputs,
  }
}
