import { mkdir, realpath } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import type { ExportResult, Handlers } from '../../shared/contract'
import type { JobState } from '../../shared/jobs'
import type { InputStore } from '../inputs'
import { exportVideos } from '../library/export'
import { SANDBOX_DIR, type Library } from '../library/library'
import { MediaFactsReader } from '../library/media-facts'
import type { MediaDeps } from '../library/media-handler'
import { isJpeg, type PosterStore } from '../library/posters'
import { rescanLibrary } from '../library/rescan'
import type { Ledger } from '../tasks/ledger'
import { CallError } from './call-error'
import type { DesktopActions } from './desktop'
import type { EmitFn, Runner } from './runner'

// The videos on disk: show, open, drag into an editor, move to the trash, their facts and poster
// frames, export copies, rebuild the history from the folder, pick the folder. The window names
// videos by job id; paths stay here.

export interface LibraryServiceOptions {
  ledger: Ledger
  library: Library
  actions: DesktopActions
  emit: EmitFn
  posters: PosterStore
  /** Where an exported video's input images are kept (copied into the export's Inputs/). */
  inputs: Pick<InputStore, 'fileOf'>
  /** Drops a job still waiting here, as tasks.cancel does: the engines let go of it too. */
  runner: Pick<Runner, 'cancel'>
}

/** States of a job being made: its create may have gone out, so it may be paid for. */
const BEING_MADE: readonly JobState[] = [
  'creating',
  'submitted',
  'processing',
  'downloading',
  'needs_attention',
]

/** What may leave the history: a job that ended, one way or another. */
const SETTLED: readonly JobState[] = ['done', 'failed', 'expired']

/** Why a job being made is not deleted (its video would be paid for and never fetched). */
function stillBeingMade(state: JobState): string {
  return (
    `This video cannot be deleted yet: it is being made (${state.replace('_', ' ')}) and was paid ` +
    'for when it was sent. Wait until it finishes or fails, then delete it.'
  )
}

const sameFolder = async (a: string, b: string) => {
  const real = (p: string) => realpath(p).catch(() => resolve(p))
  return (await real(a)) === (await real(b))
}

export class LibraryService {
  private readonly facts = new MediaFactsReader()

  constructor(private readonly o: LibraryServiceOptions) {}

  /** What the media protocol may serve from: every library folder this history saved into. */
  mediaRoots(): string[] {
    return [...new Set([this.o.library.root, ...this.o.ledger.libraryRoots()])]
  }

  /** The file behind a job's video, for the media protocol (null: not saved). */
  fileFor(jobId: string): string | null {
    return this.o.ledger.get(jobId)?.file ?? null
  }

  /** What the media protocol serves: saved videos from the library folders, and their posters. */
  mediaDeps(): MediaDeps {
    const { posters } = this.o
    return {
      roots: this.mediaRoots(),
      fileFor: (id) => this.fileFor(id),
      posters: { root: posters.folder, fileFor: (id) => posters.get(id) },
    }
  }

  private savedFile(id: string): string {
    const job = this.o.ledger.get(id)
    if (!job) throw new CallError('not_found', `No job ${id}`)
    if (!job.file) throw new CallError('not_saved', 'This video is not saved on this computer yet')
    return job.file
  }

  private async exportTo(ids: string[]): Promise<ExportResult> {
    const { ledger, library, actions } = this.o
    const folder = await actions.chooseFolder(dirname(library.root), 'export')
    if (folder === null) return { folder: null, exported: 0, failed: [] }
    // Copies with the same job ids inside a library folder would stand in for the originals.
    for (const root of this.mediaRoots()) {
      if ((await sameFolder(folder, root)) || (await sameFolder(folder, join(root, SANDBOX_DIR))))
        throw new CallError('invalid_input', 'Pick a folder outside the library to export into')
    }
    await mkdir(folder, { recursive: true }).catch((error: unknown) => {
      throw new CallError(
        'export_folder',
        `That folder cannot be used: ${(error as Error).message}`,
      )
    })
    const jobs = [...new Set(ids)].map((id) => ({ id, job: ledger.get(id) }))
    return exportVideos({ folder, jobs, inputFileOf: (ref) => this.o.inputs.fileOf(ref) })
  }

  /**
   * Deletes a job and its video. A job being made is refused: its create may have been paid for,
   * and deleting it would leave the engines never fetching its video. One still waiting here is
   * dropped the way tasks.cancel drops it, so every engine lets go of it.
   */
  private async delete(id: string): Promise<void> {
    const { ledger, library, actions, posters, emit, runner } = this.o
    const job = ledger.get(id)
    if (!job) throw new CallError('not_found', `No job ${id}`)
    if (BEING_MADE.includes(job.state))
      throw new CallError('invalid_state', stillBeingMade(job.state))
    if (job.state === 'queued') {
      const result = runner.cancel(id)
      if (!result.removed) {
        // A step claimed it between the read and the cancel: it is being sent now.
        if (!result.job) throw new CallError('not_found', `No job ${id}`)
        throw new CallError('invalid_state', stillBeingMade(result.job.state))
      }
    } else {
      if (job.file) await library.remove(job.file, (p) => actions.trash(p), this.mediaRoots())
      // Fetched again meanwhile (Download again while the file went to the trash): the job is
      // being made once more, so it stays, and its video comes back.
      const result = ledger.removeIn(id, SETTLED)
      if (!result.removed) {
        if (!result.job) throw new CallError('not_found', `No job ${id}`)
        throw new CallError('invalid_state', stillBeingMade(result.job.state))
      }
    }
    emit('tasks.removed', { id })
    // A poster left behind (a file the OS will not let go) names an id never used again.
    await posters.remove(id).catch(() => {})
  }

  handlers(): Pick<
    Handlers,
    | 'library.reveal'
    | 'library.open'
    | 'library.startDrag'
    | 'library.delete'
    | 'library.facts'
    | 'library.export'
    | 'library.setPoster'
    | 'library.rescan'
    | 'library.chooseFolder'
  > {
    const { ledger, library, actions, posters } = this.o
    return {
      'library.reveal': ({ id }) => actions.reveal(this.savedFile(id)),
      'library.open': ({ id }) => actions.open(this.savedFile(id)),
      'library.startDrag': ({ id }) => actions.startDrag(this.savedFile(id)),
      'library.delete': ({ id }) => this.delete(id),
      'library.facts': ({ ids }) => {
        const files = new Map<string, string>()
        for (const id of ids) {
          const file = this.fileFor(id)
          if (file) files.set(id, file)
        }
        return this.facts.many(files)
      },
      'library.export': ({ ids }) => this.exportTo(ids),
      'library.setPoster': async ({ id, bytes }) => {
        this.savedFile(id)
        if (!isJpeg(bytes)) throw new CallError('invalid_input', 'A poster must be a JPEG image')
        await posters.put(id, bytes)
      },
      'library.rescan': () => rescanLibrary(ledger, library),
      'library.chooseFolder': () => actions.chooseFolder(library.root, 'library'),
    }
  }
}
