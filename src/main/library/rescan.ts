import type { Ledger } from '../tasks/ledger'
import { walk } from '../tasks/triage'
import type { Library } from './library'

export interface RescanResult {
  found: number
  added: number
  /** Jobs whose recorded file is no longer on disk. */
  missing: number
}

/**
 * Rebuilds the history from the library folder: every sidecar whose video is present becomes a
 * finished job, and jobs whose file has vanished are marked unsaved so they can be fetched again.
 */
export async function rescanLibrary(ledger: Ledger, library: Library): Promise<RescanResult> {
  ledger.addLibraryRoot(library.root)
  const entries = await library.scan()
  let added = 0
  for (const { sidecar, file } of entries) {
    const j = sidecar.job
    if (ledger.importSaved({ ...j, file, bytes: j.bytes })) added++
  }
  let missing = 0
  for await (const job of walk((after) => ledger.savedPage(after))) {
    if (!(await library.exists(job.file))) {
      ledger.clearFile(job.id)
      missing++
    }
  }
  return { found: entries.length, added, missing }
}
