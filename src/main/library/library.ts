import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, join, relative, resolve, sep } from 'node:path'
import type { Job } from '../../shared/jobs'
import { downloadFile, verifyMp4, type DownloadOptions } from '../kling/download'
import type { FetchLike } from '../kling/http'
import { sidecarName, videoFileName } from './names'
import { readSidecar, sidecarFor, type Sidecar } from './sidecar'

// The library folder: ordinary MP4 files a person can open, move and back up, each with a
// sidecar JSON. Downloads grow in a hidden folder on the same disk and are renamed in only when
// complete and checked, so the library never holds a partial video.

export const INCOMING_DIR = '.incoming'
export const SANDBOX_DIR = 'Sandbox'

export interface SavedVideo {
  file: string
  bytes: number
}

export interface LibraryOptions {
  root: string
  fetch?: FetchLike
  /** Passed through to each download (attempts, backoff, sleep) for tests. */
  download?: Partial<Pick<DownloadOptions, 'attempts' | 'backoff' | 'sleep' | 'idleTimeoutMs'>>
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`
  await writeFile(tmp, text)
  await rename(tmp, path)
}

export function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path))
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel)
}

export class Library {
  private current: string

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

  pathFor(job: Job): string {
    if (!job.taskId) throw new Error(`job ${job.id} has no task yet`)
    return join(
      this.folderFor(job),
      videoFileName(job.createdAt, job.request.prompt ?? '', job.taskId),
    )
  }

  private partFor(job: Job): string {
    return join(this.root, INCOMING_DIR, `${job.id}.mp4.part`)
  }

  /** Downloads the job's video into the library, then writes its sidecar. */
  async save(
    job: Job,
    options: {
      signal?: AbortSignal
      onProgress?: (p: { received: number; total: number | null }) => void
    } = {},
  ): Promise<SavedVideo> {
    if (!job.video) throw new Error(`job ${job.id} has no video to save`)
    const file = this.pathFor(job)
    await mkdir(join(this.root, INCOMING_DIR), { recursive: true })
    await mkdir(this.folderFor(job), { recursive: true })
    const result = await downloadFile({
      url: job.video.url,
      dest: file,
      partPath: this.partFor(job),
      fetch: this.options.fetch,
      signal: options.signal,
      onProgress: options.onProgress,
      ...this.options.download,
    })
    await this.writeSidecar(job, file, result.bytes)
    return { file, bytes: result.bytes }
  }

  /**
   * The job's video, already renamed into place by a download whose end the history never heard
   * of (a crash in between). Renaming happens only once a download is complete and checked, so a
   * file there is whole: it is taken as it is, with its sidecar, instead of fetched again.
   */
  async adopt(job: Job): Promise<SavedVideo | null> {
    if (!job.video || !job.taskId) return null
    const file = this.pathFor(job)
    try {
      const info = await stat(file)
      if (!info.isFile()) return null
      await verifyMp4(file)
      await this.writeSidecar(job, file, info.size)
      return { file, bytes: info.size }
    } catch {
      return null
    }
  }

  async writeSidecar(job: Job, file: string, bytes: number): Promise<void> {
    const sidecar = sidecarFor(job, basename(file), bytes)
    await writeAtomically(
      join(this.folderFor(job), sidecarName(basename(file))),
      `${JSON.stringify(sidecar, null, 2)}\n`,
    )
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
        // Missing or not an MP4 alike: verifyMp4 refuses both.
        const isMp4 = await verifyMp4(file).then(
          () => true,
          () => false,
        )
        if (isMp4) found.push({ sidecar, file })
      }
    }
    return found
  }

  /** Partial downloads no live job will resume (the jobs were deleted or finished). */
  async removeStrayParts(liveJobIds: ReadonlySet<string>): Promise<number> {
    let removed = 0
    const dir = join(this.root, INCOMING_DIR)
    let names: string[]
    try {
      names = await readdir(dir)
    } catch {
      return 0
    }
    for (const name of names) {
      const id = name.replace(/\.mp4\.part$/, '')
      if (!liveJobIds.has(id)) {
        await rm(join(dir, name), { force: true })
        removed++
      }
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
