import { createHash } from 'node:crypto'
import { constants } from 'node:fs'
import { mkdir, readFile, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { parseInputRef } from '../../shared/kling'
import { INPUTS_FOLDER, type SidecarInput } from './sidecar'

// The input images an exported video's sidecar points to (`Inputs/<sha256>.<ext>`), copied into
// the export folder beside it, so that folder opens as a library elsewhere with every image its
// videos were made from. Names are content hashes: a file already there with the same bytes is
// the same image and is left as it is (skipped); a different file of that name is never
// overwritten, and the video says which image it lacks.

export type CopyFile = (from: string, to: string, mode: number) => Promise<void>

/** Where the intact stored copy of an input is (checked against its hash); throws when it is not. */
export type InputFileOf = (ref: string) => Promise<string>

const codeOf = (error: unknown): string | undefined =>
  (error as { code?: unknown } | null)?.code as string | undefined

const sha256Of = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

/** The hash of what is at `file` now; null when nothing is there. */
async function hashOf(file: string): Promise<string | null> {
  try {
    return sha256Of(await readFile(file))
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return null
    throw error
  }
}

/** A different file holds an input's name in the export folder: it is kept, the input is not copied. */
export class NameTaken extends Error {
  constructor(readonly file: string) {
    super(`that folder already holds a different file named ${file}; it was left as it was`)
  }
}

export interface InputProblem {
  /** The input's place relative to the export folder (Inputs/<sha256>.<ext>). */
  file: string
  error: unknown
}

/** Copies the inputs of one export, each at most once however many videos name it. */
export class InputCopier {
  /** Relative names placed (or found already there) in this export. */
  private readonly placed = new Set<string>()

  constructor(
    private readonly folder: string,
    private readonly fileOf: InputFileOf,
    private readonly copy: CopyFile,
  ) {}

  /** Copies each input the sidecar names; resolves the ones that could not be placed. */
  async copyAll(inputs: readonly SidecarInput[]): Promise<InputProblem[]> {
    const problems: InputProblem[] = []
    for (const { ref } of inputs) {
      const parsed = parseInputRef(ref)
      if (!parsed) continue // not kept by hash (a URL): nothing to copy
      const file = `${INPUTS_FOLDER}/${parsed.sha256}.${parsed.ext}`
      if (this.placed.has(file)) continue
      try {
        await this.copyOne(ref, parsed.sha256, file)
        this.placed.add(file)
      } catch (error) {
        problems.push({ file, error })
      }
    }
    return problems
  }

  private async copyOne(ref: string, sha256: string, file: string): Promise<void> {
    const target = join(this.folder, ...file.split('/'))
    const there = await hashOf(target)
    if (there === sha256) return // the same image, already there
    if (there !== null) throw new NameTaken(file)
    const source = await this.fileOf(ref)
    await mkdir(dirname(target), { recursive: true })
    try {
      // Exclusive: a file that appeared meanwhile is never replaced.
      await this.copy(source, target, constants.COPYFILE_EXCL)
    } catch (error) {
      if (codeOf(error) === 'EEXIST') {
        if ((await hashOf(target)) === sha256) return
        throw new NameTaken(file)
      }
      // The name was free, so what is there now is this copy's partial start.
      await rm(target, { force: true })
      throw error
    }
  }
}
