import type { Handlers } from '../../shared/contract'
import type { Library } from '../library/library'
import { rescanLibrary } from '../library/rescan'
import type { Ledger } from '../tasks/ledger'
import { CallError } from './call-error'
import type { DesktopActions } from './desktop'

// The videos on disk: show, open, drag into an editor, move to the trash, rebuild the history
// from the folder, pick the folder. The window names videos by job id; paths stay here.

export class LibraryService {
  constructor(private readonly o: { ledger: Ledger; library: Library; actions: DesktopActions }) {}

  /** What the media protocol may serve from: every library folder this history saved into. */
  mediaRoots(): string[] {
    return [...new Set([this.o.library.root, ...this.o.ledger.libraryRoots()])]
  }

  /** The file behind a job's video, for the media protocol (null: not saved). */
  fileFor(jobId: string): string | null {
    return this.o.ledger.get(jobId)?.file ?? null
  }

  private savedFile(id: string): string {
    const job = this.o.ledger.get(id)
    if (!job) throw new CallError('not_found', `No job ${id}`)
    if (!job.file) throw new CallError('not_saved', 'This video is not saved on this computer yet')
    return job.file
  }

  handlers(): Pick<
    Handlers,
    | 'library.reveal'
    | 'library.open'
    | 'library.startDrag'
    | 'library.delete'
    | 'library.rescan'
    | 'library.chooseFolder'
  > {
    const { ledger, library, actions } = this.o
    return {
      'library.reveal': ({ id }) => actions.reveal(this.savedFile(id)),
      'library.open': ({ id }) => actions.open(this.savedFile(id)),
      'library.startDrag': ({ id }) => actions.startDrag(this.savedFile(id)),
      'library.delete': async ({ id }) => {
        const job = ledger.get(id)
        if (!job) throw new CallError('not_found', `No job ${id}`)
        if (job.file) await library.remove(job.file, (p) => actions.trash(p), this.mediaRoots())
        ledger.remove(id)
      },
      'library.rescan': () => rescanLibrary(ledger, library),
      'library.chooseFolder': () => actions.chooseFolder(library.root),
    }
  }
}
