import { constants } from 'node:fs'
import { copyFile, rm, stat, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { ExportResult } from '../../shared/contract'
import type { JobRecord } from '../tasks/job-row'
import {
  InputCopier,
  NameTaken,
  type CopyFile,
  type InputFileOf,
  type InputProblem,
} from './export-inputs'
import { sidecarName } from './names'
import { sidecarFor, type Sidecar } from './sidecar'

// Copies saved videos into a folder the person picked, each under its library name with a fresh
// sidecar beside it (the same JSON the library keeps: what was asked and answered, no key, no
// path of this computer) and the input images the sidecar points to in Inputs/, so the folder
// can be opened as a library elsewhere. Nothing there is ever overwritten: a taken name becomes
// "name (2).mp4". One video failing (missing, a full disk) is reported for that video and the
// rest go on; a video copied without one of its images is reported too, naming the image.

/** How many numbered names are tried before giving up on one video. */
const MAX_NAMES = 999

export type { CopyFile } from './export-inputs'

export interface ExportOptions {
  folder: string
  /** The jobs by the ids asked for, in order; null for an id the history does not know. */
  jobs: { id: string; job: JobRecord | null }[]
  /** Where an input image is kept on this computer (the input store's checked copy). */
  inputFileOf: InputFileOf
  /** node:fs copyFile unless given. */
  copy?: CopyFile
}

class ExportFailure extends Error {}

const codeOf = (error: unknown): string | undefined =>
  (error as { code?: unknown } | null)?.code as string | undefined

/** Why a write into the folder failed, in words a person can act on. */
function writeProblem(error: unknown, name: string): string {
  switch (codeOf(error)) {
    case 'ENOSPC':
    case 'EDQUOT':
      return `The disk is full: there is no room for ${name} in that folder`
    case 'EACCES':
    case 'EPERM':
      return `This app may not write in that folder (${name} was not copied)`
    case 'EROFS':
      return `That folder is on a read-only disk (${name} was not copied)`
    case 'ENOENT':
      return `The folder or the video disappeared while ${name} was being copied`
    default:
      return `${name} could not be copied: ${(error as Error)?.message ?? String(error)}`
  }
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    (error: unknown) => codeOf(error) !== 'ENOENT',
  )

/** The first free name: the library's own, else "name (2).mp4", "name (3).mp4", ... */
function candidate(name: string, n: number): string {
  if (n === 1) return name
  const dot = name.toLowerCase().endsWith('.mp4') ? name.length - 4 : name.length
  return `${name.slice(0, dot)} (${n})${name.slice(dot)}`
}

/** Copies one video and its sidecar; resolves the sidecar's inputs, for the caller to copy. */
async function exportOne(job: JobRecord, folder: string, copy: CopyFile): Promise<Sidecar> {
  if (!job.file) throw new ExportFailure('This video is not saved on this computer')
  const name = basename(job.file)
  const info = await stat(job.file).catch(() => null)
  if (!info?.isFile())
    throw new ExportFailure(`The video file is missing from the library: ${name}`)
  for (let n = 1; n <= MAX_NAMES; n++) {
    const video = candidate(name, n)
    const target = join(folder, video)
    const sidecar = join(folder, sidecarName(video))
    if (await exists(sidecar)) continue
    try {
      // Exclusive: a file of that name already there is never replaced.
      await copy(job.file, target, constants.COPYFILE_EXCL)
    } catch (error) {
      if (codeOf(error) === 'EEXIST') continue
      // The name was free, so what is there now is this copy's partial start.
      await rm(target, { force: true })
      throw new ExportFailure(writeProblem(error, video))
    }
    const sidecarJson = sidecarFor(job, video, info.size)
    const text = `${JSON.stringify(sidecarJson, null, 2)}\n`
    try {
      await writeFile(sidecar, text, { flag: 'wx' })
    } catch (error) {
      await rm(target, { force: true })
      if (codeOf(error) === 'EEXIST') continue
      await rm(sidecar, { force: true })
      throw new ExportFailure(writeProblem(error, sidecarName(video)))
    }
    return sidecarJson
  }
  throw new ExportFailure(`${name}: that folder already holds ${MAX_NAMES} copies of it`)
}

/** A video copied without some of the images it was made from: which, and why. */
function missingInputs(video: string, problems: InputProblem[]): string {
  const each = problems.map(({ file, error }) =>
    error instanceof NameTaken ? error.message : writeProblem(error, file),
  )
  return `${video} was copied, but not every image it was made from: ${each.join('; ')}`
}

export async function exportVideos(o: ExportOptions): Promise<ExportResult> {
  const copy = o.copy ?? ((from, to, mode) => copyFile(from, to, mode))
  const inputs = new InputCopier(o.folder, o.inputFileOf, copy)
  const failed: ExportResult['failed'] = []
  let exported = 0
  for (const { id, job } of o.jobs) {
    try {
      if (!job) throw new ExportFailure(`No job ${id}`)
      const sidecar = await exportOne(job, o.folder, copy)
      exported++
      const problems = await inputs.copyAll(sidecar.inputs)
      if (problems.length > 0) failed.push({ id, message: missingInputs(sidecar.video, problems) })
    } catch (error) {
      const message =
        error instanceof ExportFailure ? error.message : writeProblem(error, `The video of ${id}`)
      failed.push({ id, message })
    }
  }
  return { folder: o.folder, exported, failed }
}
