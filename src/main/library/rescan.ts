import {
  RESCAN_SKIPPED_LISTED,
  type RescanResult,
  type SkippedSidecar,
} from '../../shared/contract'
import type { JobRecord, Ledger } from '../tasks/ledger'
import { walk } from '../tasks/triage'
import type { Library } from './library'
import { scanSidecars } from './sidecar-scan'
import type { Sidecar } from './sidecar'

export type { RescanResult }

// Rebuilding the history from the library folder: every sidecar that checks out, its video beside
// it, becomes a finished job; a bad one is skipped and named (which file, which field, why) while
// the rest goes on. A sidecar never moves a job the history already has to another file: the
// history, not a file anyone could copy in, says where a known job's video is.

/** The ledger's part a rescan uses. */
export type RescanLedger = Pick<
  Ledger,
  'addLibraryRoot' | 'get' | 'byExternalId' | 'importSaved' | 'setSaved' | 'savedPage' | 'clearFile'
>

export interface RescanOptions {
  /** The clock that bounds a sidecar's times (tests). */
  now?: () => number
}

/** States in which a job's missing video may be found again where the app itself saves it. */
const RESTORABLE = new Set<string>(['done', 'expired'])

/** What a checked sidecar is to the history. */
export type SidecarVerdict =
  | { kind: 'new' }
  /** The job the history has, with this very file: nothing to do. */
  | { kind: 'same' }
  /** The job's own file, put back where the app saves it after it went missing. */
  | { kind: 'restore'; jobId: string }
  /** Names a job the history has, with another file: skipped, the job left as it is. */
  | { kind: 'clash'; field: string; message: string }

/**
 * How a sidecar stands to the history. A job the history knows (by id or external id) is never
 * moved to another file: only a job new to the history is imported, and only a known job's own
 * file, where the app itself saves it, is taken back after it went missing.
 */
export function sidecarVerdict(
  ledger: Pick<Ledger, 'get' | 'byExternalId'>,
  library: Pick<Library, 'pathFor'>,
  sidecar: Sidecar,
  file: string,
): SidecarVerdict {
  const j = sidecar.job
  const byId = ledger.get(j.id)
  const byExternal = ledger.byExternalId(j.externalTaskId)
  if (byId && byExternal && byId.id !== byExternal.id)
    return {
      kind: 'clash',
      field: 'job.externalTaskId',
      message: `its id and external id name two different jobs of the history (${byId.id}, ${byExternal.id})`,
    }
  const known = byId ?? byExternal
  if (!known) return { kind: 'new' }
  if (known.file === file) return { kind: 'same' }
  if (known.file === null && isOwnPlace(library, known, sidecar, file))
    return { kind: 'restore', jobId: known.id }
  return {
    kind: 'clash',
    field: byId ? 'job.id' : 'job.externalTaskId',
    message: `job ${known.id} is already in the history${known.file ? ' with another file' : ''}; a sidecar never points it at a different file`,
  }
}

/** The file the app itself would have saved this very job as (same ids), its file gone. */
function isOwnPlace(
  library: Pick<Library, 'pathFor'>,
  known: JobRecord,
  sidecar: Sidecar,
  file: string,
): boolean {
  const j = sidecar.job
  if (!RESTORABLE.has(known.state) || !known.taskId) return false
  if (known.id !== j.id || known.externalTaskId !== j.externalTaskId || known.taskId !== j.taskId)
    return false
  return library.pathFor(known) === file
}

/**
 * Rebuilds the history from the library folder: every sidecar that checks out, its video
 * present, becomes a finished job; bad sidecars are skipped and listed; jobs whose file has
 * vanished are marked unsaved so they can be fetched again.
 */
export async function rescanLibrary(
  ledger: RescanLedger,
  library: Library,
  options: RescanOptions = {},
): Promise<RescanResult> {
  ledger.addLibraryRoot(library.root)
  const now = (options.now ?? Date.now)()
  const skipped: SkippedSidecar[] = []
  let skippedCount = 0
  const skip = (entry: SkippedSidecar) => {
    skippedCount++
    if (skipped.length < RESCAN_SKIPPED_LISTED) skipped.push(entry)
  }
  let found = 0
  let added = 0
  for await (const item of scanSidecars(library.root, now)) {
    if (!item.ok) {
      skip({ file: item.at, field: item.field, reason: item.reason, message: item.message })
      continue
    }
    const verdict = sidecarVerdict(ledger, library, item.sidecar, item.file)
    if (verdict.kind === 'clash') {
      skip({ file: item.at, field: verdict.field, reason: 'known_job', message: verdict.message })
      continue
    }
    found++
    // The size on disk, not the sidecar's word for it. The ledger is asked to import only a job
    // it does not have: a known one is never handed a file from here.
    if (verdict.kind === 'restore') ledger.setSaved(verdict.jobId, item.file, item.bytes)
    else if (verdict.kind === 'new') {
      const entry = { ...item.sidecar.job, file: item.file, bytes: item.bytes }
      if (ledger.importSaved(entry)) added++
    }
  }
  let missing = 0
  for await (const job of walk((after) => ledger.savedPage(after))) {
    if (!(await library.exists(job.file))) {
      ledger.clearFile(job.id)
      missing++
    }
  }
  return { found, added, missing, skipped, skippedCount }
}
