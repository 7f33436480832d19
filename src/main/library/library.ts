import { randomUUID } from 'node:crypto'
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join, relative, resolve, sep } from 'node:path'
import type { Job } from '../../shared/jobs'
import { downloadFile, verifyMp4, type DownloadOptions } from '../kling/download'
import { onDisk } from '../kling/download-errors'
import type { FetchLike } from '../kling/http'
import { sidecarName, videoFileName } from './names'
import { readSidecar, sidecarFor, type Sidecar } from './sidecar'

// The library folder: ordinary MP4 files a person can open, move and back up, each with a
// sidecar JSON. Downloads grow in a hidden folder on the same disk and are renamed in only when
// complete and checked, so the library never holds a partial video. A partial is named by its job
// and the worker (process) writing it, so two processes never write one file; another process
// takes one over only once its worker is dead. Each job's video has a name of its own (its job
// id is in it). A sidecar that cannot be written (a full disk) leaves no temporary file and does
// not undo the saved video: it is written again at the next save, or by flushSidecars.

export const INCOMING_DIR = '.incoming'
export const SANDBOX_DIR = 'Sandbox'

export interface SavedVideo {
  file: string
  bytes: number
  /** Why its sidecar could not be written yet (null: written); it is tried again later. */
  sidecarError?: string | null
}

/** The worker (process) a download belongs to, and how to tell whether another one still lives. */
export interface PartOwner {
  id: string
  isLive(workerId: string): boolean
}

/** What keeps a partial download: its worker lives, or its job is still live (to be resumed). */
export interface PartsInUse {
  liveWorkers: ReadonlySet<string>
  liveJobs: ReadonlySet<string>
  /**
   * Whether a job is in this history, live or not. A partial of a job it does not know may be
   * another history's (another data folder sharing this library folder): it is left alone until
   * untouched for FOREIGN_PART_MAX_AGE_MS. Left out, every job counts as this history's.
   */
  knownJob?: (jobId: string) => boolean
}

/** How long a partial of a job another history may own is left alone since its last write. */
export const FOREIGN_PART_MAX_AGE_MS = 24 * 60 * 60_000

/** `<job>.<worker>.mp4.part`, or `<job>.mp4.part` (written with no worker, or by an older release). */
export function parsePart(name: string): { jobId: string; workerId: string | null } | null {
  const m = /^([^.]+)(?:\.([^.]+))?\.mp4\.part$/.exec(name)
  return m ? { jobId: m[1]!, workerId: m[2] ?? null } : null
}

export interface LibraryOptions {
  root: string
  fetch?: FetchLike
  /** Passed through to each download (attempts, backoff, sleep) for tests. */
  download?: Partial<
    Pick<
      DownloadOptions,
      'attempts' | 'backoff' | 'sleep' | 'idleTimeoutMs' | 'deadlineMs' | 'minProgress' | 'maxBytes'
    >
  >
}

async function writeAtomically(path: string, text: string): Promise<void> {
  // Its own name per write: two writers of one sidecar (two processes, a takeover) never share it.
  const tmp = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`
  try {
    await writeFile(tmp, text)
    await rename(tmp, path)
  } catch (error) {
    // A full disk fails the write half way: the temporary file goes, not left to fill it more.
    await rm(tmp, { force: true }).catch(() => {})
    throw error
  }
}

/** Whether a step succeeds, its error dropped. */
const succeeds = (step: Promise<unknown>): Promise<boolean> =>
  step.then(
    () => true,
    () => false,
  )

/** mkdir -p whose failure says the real cause (a recursive mkdir says ENOENT on a read-only disk). */
async function makeFolder(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    // The first missing folder, made on its own, fails with the reason.
    let at = resolve(path)
    while (dirname(at) !== at && !(await succeeds(stat(dirname(at))))) at = dirname(at)
    await mkdir(at)
    throw error
  }
}

export function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path))
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel)
}

export class Library {
  private current: string
  /** Sidecars of saved videos that could not be written yet, by video file. */
  private readonly pendingSidecars = new Map<string, { job: Job; bytes: number }>()

  constructor(private readonly options: LibraryOptions) {
    this.current = resolve(options.root)
  }

  get root(): string {
    return this.current
  }

  /**
   * New videos go to this folder from now on. Saved ones stay where they are (the history knows
   * their paths); a download under way finishes where it started.
   */
  moveTo(root: string): void {
    this.current = resolve(root)
  }

  private folderFor(job: Pick<Job, 'sandbox'>): string {
    // Sandbox results are kept apart, so tries never mix with real work.
    return job.sandbox ? join(this.root, SANDBOX_DIR) : this.root
  }

  /** The job's own name: two jobs never share one, whatever task ids a gateway hands out. */
  pathFor(job: Job): string {
    if (!job.taskId) throw new Error(`job ${job.id} has no task yet`)
    return join(
      this.folderFor(job),
      videoFileName(job.createdAt, job.request.prompt ?? '', job.taskId, job.id),
    )
  }

  /** The name an earlier release gave (no job id in it): another job's may have the same. */
  private legacyPathFor(job: Job): string {
    return join(
      this.folderFor(job),
      videoFileName(job.createdAt, job.request.prompt ?? '', job.taskId ?? ''),
    )
  }

  private partFor(job: Job, owner?: PartOwner): string {
    const name = owner ? `${job.id}.${owner.id}.mp4.part` : `${job.id}.mp4.part`
    return join(this.root, INCOMING_DIR, name)
  }

  /**
   * Before a download: the largest partial of this job left by a worker that is no longer alive
   * (a crash, a kill) becomes this worker's to resume; the other dead ones go. A live worker's
   * partial is never touched. Copied, not renamed: a stalled process that comes back writes on
   * into its own file, never into ours.
   */
  private async adoptPart(job: Job, owner: PartOwner, part: string): Promise<void> {
    const dir = join(this.root, INCOMING_DIR)
    const dead: { path: string; size: number }[] = []
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const p = parsePart(name)
      if (!p || p.jobId !== job.id || p.workerId === owner.id) continue
      if (p.workerId !== null && owner.isLive(p.workerId)) continue
      const size = await stat(join(dir, name)).then(
        (s) => s.size,
        () => -1,
      )
      if (size >= 0) dead.push({ path: join(dir, name), size })
    }
    if (dead.length === 0) return
    const mine = await stat(part).then(
      (s) => s.size,
      () => 0,
    )
    const best = dead.reduce((a, b) => (b.size > a.size ? b : a))
    if (best.size > mine) await onDisk(this.root, () => copyFile(best.path, part))
    for (const d of dead) await rm(d.path, { force: true })
  }

  /**
   * Downloads the job's video into the library, then writes its sidecar. With an owner, the
   * partial file is that worker's own, and a dead worker's partial of the job is resumed.
   */
  async save(
    job: Job,
    options: {
      signal?: AbortSignal
      onProgress?: (p: { received: number; total: number | null }) => void
      owner?: PartOwner
    } = {},
  ): Promise<SavedVideo> {
    if (!job.video) throw new Error(`job ${job.id} has no video to save`)
    await this.flushSidecars()
    const file = this.pathFor(job)
    const folder = this.folderFor(job)
    await onDisk(this.root, () => makeFolder(join(this.root, INCOMING_DIR)))
    await onDisk(folder, () => makeFolder(folder))
    const partPath = this.partFor(job, options.owner)
    if (options.owner) await this.adoptPart(job, options.owner, partPath)
    const result = await downloadFile({
      url: job.video.url,
      dest: file,
      partPath,
      folder,
      fetch: this.options.fetch,
      signal: options.signal,
      onProgress: options.onProgress,
      ...this.options.download,
    })
    const sidecarError = await this.trySidecar(job, file, result.bytes)
    return { file, bytes: result.bytes, sidecarError }
  }

  /**
   * The job's video, already renamed into place by a download whose end the history never heard
   * of (a crash in between). Renaming happens only once a download is complete and checked, so a
   * file there is whole: it is taken as it is, with its sidecar, instead of fetched again.
   */
  async adopt(job: Job): Promise<SavedVideo | null> {
    if (!job.video || !job.taskId) return null
    await this.flushSidecars()
    const names = [
      { file: this.pathFor(job), own: true },
      // The old name only with this job's own sidecar beside it: it may be another job's video.
      { file: this.legacyPathFor(job), own: false },
    ]
    for (const { file, own } of names) {
      if (!own && !(await this.sidecarNames(file, job.id))) continue
      const info = await stat(file).catch(() => null)
      if (!info?.isFile() || !(await succeeds(verifyMp4(file)))) continue
      const sidecarError = await this.trySidecar(job, file, info.size)
      return { file, bytes: info.size, sidecarError }
    }
    return null
  }

  private async sidecarNames(file: string, jobId: string): Promise<boolean> {
    const path = join(resolve(file, '..'), sidecarName(basename(file)))
    const sidecar = readSidecar(await readFile(path, 'utf8').catch(() => ''))
    return sidecar?.job.id === jobId
  }

  /** Writes the sidecar; a failure is kept to try again later and returned, never thrown. */
  private async trySidecar(job: Job, file: string, bytes: number): Promise<string | null> {
    try {
      await this.writeSidecar(job, file, bytes)
      this.pendingSidecars.delete(file)
      return null
    } catch (error) {
      this.pendingSidecars.set(file, { job, bytes })
      const code = (error as NodeJS.ErrnoException).code
      return `The video is saved, but its sidecar could not be written (${code ?? String(error)}); it is tried again later`
    }
  }

  /** Sidecars that could not be written before (a full disk): tried again. Returns those left. */
  async flushSidecars(): Promise<number> {
    for (const [file, { job, bytes }] of [...this.pendingSidecars]) {
      if (!(await this.exists(file))) this.pendingSidecars.delete(file)
      else await this.trySidecar(job, file, bytes)
    }
    return this.pendingSidecars.size
  }

  /** The sidecar beside the video (the folder the video is in, whatever the library's now). */
  async writeSidecar(job: Job, file: string, bytes: number): Promise<void> {
    const sidecar = sidecarFor(job, basename(file), bytes)
    await writeAtomically(
      join(dirname(file), sidecarName(basename(file))),
      `${JSON.stringify(sidecar, null, 2)}\n`,
    )
  }

  /**
   * A saved video's sidecar, written when it is missing (a full disk kept it from being written
   * in an earlier session). True when it is there now.
   */
  async ensureSidecar(job: Job, file: string, bytes: number): Promise<boolean> {
    if (await succeeds(stat(join(dirname(file), sidecarName(basename(file)))))) return true
    if (!(await this.exists(file))) return false
    return (await this.trySidecar(job, file, bytes)) === null
  }

  async exists(file: string | null): Promise<boolean> {
    if (!file) return false
    try {
      return (await stat(file)).isFile()
    } catch {
      return false
    }
  }

  /** Every sidecar whose video is present, from the library and its sandbox folder. */
  async scan(): Promise<{ sidecar: Sidecar; file: string }[]> {
    const found: { sidecar: Sidecar; file: string }[] = []
    for (const dir of [this.root, join(this.root, SANDBOX_DIR)]) {
      let names: string[]
      try {
        names = await readdir(dir)
      } catch {
        continue
      }
      for (const name of names.filter((n) => n.endsWith('.json'))) {
        const sidecar = readSidecar(await readFile(join(dir, name), 'utf8').catch(() => ''))
        if (!sidecar || !/^[\w-]{1,64}$/.test(sidecar.job.id)) continue
        // Only the MP4 this sidecar stands beside, under its own name: a copied-in sidecar must
        // not make the library open or serve some other file.
        const video = basename(sidecar.video)
        if (!/\.mp4$/i.test(video) || sidecarName(video) !== name) continue
        const file = join(dir, video)
        // Missing or not a whole MP4: verifyMp4 refuses both.
        if (await succeeds(verifyMp4(file))) found.push({ sidecar, file })
      }
    }
    return found
  }

  /**
   * Partial downloads nobody will resume: their worker is not alive (a live one may be writing
   * it, whatever the history says) and their job is not live either (deleted or finished; a live
   * job's partial waits for whoever takes the job over), and their job is this history's or they
   * were last written over FOREIGN_PART_MAX_AGE_MS ago (a job of another history sharing the
   * folder: its worker is not one this history can see). Anything else in the folder goes too.
   */
  async removeStrayParts(inUse: PartsInUse, now = Date.now()): Promise<number> {
    let removed = 0
    const dir = join(this.root, INCOMING_DIR)
    let names: string[]
    try {
      names = await readdir(dir)
    } catch {
      return 0
    }
    for (const name of names) {
      const part = parsePart(name)
      if (part?.workerId && inUse.liveWorkers.has(part.workerId)) continue
      if (part && inUse.liveJobs.has(part.jobId)) continue
      if (part && inUse.knownJob && !inUse.knownJob(part.jobId)) {
        const written = await stat(join(dir, name)).then(
          (st) => st.mtimeMs,
          () => 0,
        )
        if (now - written < FOREIGN_PART_MAX_AGE_MS) continue
      }
      await rm(join(dir, name), { force: true })
      removed++
    }
    return removed
  }

  /** Moves a video and its sidecar to the trash (the OS's, in the app); only inside the given library folders. */
  async remove(
    file: string,
    trash: (path: string) => Promise<void>,
    roots: readonly string[] = [this.root],
  ): Promise<void> {
    if (!roots.some((root) => isInside(root, file)))
      throw new Error('refusing to delete a file outside the library')
    const sidecar = join(resolve(file, '..'), sidecarName(basename(file)))
    if (await this.exists(file)) await trash(file)
    if (await this.exists(sidecar)) await trash(sidecar)
  }
}
