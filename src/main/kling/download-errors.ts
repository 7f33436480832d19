import { KlingApiError } from './errors'

// How a download fails, told apart by a code on the `download` error kind: the server's side (a
// link gone, a bad answer, a dropped or crawling connection), the file's (too large, not a whole
// MP4) and this computer's (a full disk, a read-only or forbidden folder, a name too long). A
// failure on this computer is said as what it is, naming the folder and what to do, and is never
// retried as if the network had failed.

export type DownloadCode =
  /** 403/404/410: the signed link expired or the result is gone. */
  | 'link_gone'
  /** Another HTTP answer (5xx and 429 are worth another attempt). */
  | 'http'
  /** The connection dropped mid-body, or ended before the announced length. */
  | 'dropped'
  /** Nothing arrived for a while, too little over a minute, or the attempt's deadline passed. */
  | 'too_slow'
  /** The partial file no longer matches what the server resumes (416, a wrong offset). */
  | 'restart'
  /** More than any real result: refused or stopped at the cap. */
  | 'too_large'
  /** More bytes than announced (the announced length lied). */
  | 'length_mismatch'
  | 'not_mp4'
  /** Cut short: a box runs past the end of the file. */
  | 'mp4_truncated'
  /** No "moov" box: it only starts like an MP4 and would not play. */
  | 'mp4_no_index'
  | 'local_disk_full'
  | 'local_read_only'
  | 'local_not_allowed'
  | 'local_name_too_long'
  | 'local_not_a_folder'
  /** A passing local shortage (too many open files, a busy file): tried again. */
  | 'local_busy'
  | 'local_io'

/** A size as a person reads it (decimal units, as disks are sold). */
export const sizeText = (n: number): string =>
  n >= 1e9
    ? `${+(n / 1e9).toFixed(1)} GB`
    : n >= 1e6
      ? `${+(n / 1e6).toFixed(1)} MB`
      : n >= 1e3
        ? `${+(n / 1e3).toFixed(1)} KB`
        : `${n} bytes`

const RETRYABLE: ReadonlySet<DownloadCode> = new Set([
  'dropped',
  'too_slow',
  'restart',
  'local_busy',
])

export function downloadFailure(
  code: DownloadCode,
  message: string,
  options: { status?: number | null; retryable?: boolean; cause?: unknown } = {},
): KlingApiError {
  // mayHaveReachedServer is read as "worth another attempt" for downloads (the CLI's exit code).
  return new KlingApiError({
    kind: 'download',
    message,
    code,
    status: options.status ?? null,
    mayHaveReachedServer: options.retryable ?? RETRYABLE.has(code),
    cause: options.cause,
  })
}

const codeOf = (error: unknown): string | null =>
  error instanceof KlingApiError && error.kind === 'download' ? error.code : null

/** A failure on this computer (disk, folder, name), not the network's or the server's. */
export const isLocalFailure = (error: unknown): boolean =>
  codeOf(error)?.startsWith('local_') ?? false

/** A local failure that will happen again until the person does something (not a passing one). */
export const needsPerson = (error: unknown): boolean =>
  isLocalFailure(error) && codeOf(error) !== 'local_busy'

/** The signed link expired or the result is gone: a fresh query may carry a new link. */
export const isLinkGone = (error: unknown): boolean => codeOf(error) === 'link_gone'

/** The file came whole but was wrong (not an MP4, cut short, too large, longer than announced). */
export const isBadFile = (error: unknown): boolean => isBadFileCode(codeOf(error))

/** The same, by a stored error's code. */
export const isBadFileCode = (code: string | null | undefined): boolean =>
  ['too_large', 'length_mismatch', 'not_mp4', 'mp4_truncated', 'mp4_no_index'].includes(code ?? '')

const AGAIN = 'then choose Download again (it is free; `kling-studio resume` does it too)'

const LOCAL: Record<string, { code: DownloadCode; say: (where: string, errno: string) => string }> =
  {
    ENOSPC: {
      code: 'local_disk_full',
      say: (w) => `The disk holding ${w} is full: free some space there, ${AGAIN}`,
    },
    EDQUOT: {
      code: 'local_disk_full',
      say: (w) => `Your disk quota for ${w} is used up: free some space there, ${AGAIN}`,
    },
    EROFS: {
      code: 'local_read_only',
      say: (w) =>
        `${w} is on a read-only disk: make it writable or choose another library folder in Settings, ${AGAIN}`,
    },
    EACCES: {
      code: 'local_not_allowed',
      say: (w, e) =>
        `Kling Studio may not write in ${w} (${e}): allow it, or choose another library folder in Settings, ${AGAIN}`,
    },
    ENAMETOOLONG: {
      code: 'local_name_too_long',
      say: (w) =>
        `A file name or path in ${w} is too long for this disk: choose a library folder with a shorter path in Settings, ${AGAIN}`,
    },
    ENOTDIR: {
      code: 'local_not_a_folder',
      say: (w, e) =>
        `${w} cannot be used: a file or folder is in the way of what the video needs there (${e}). Move it, or choose another library folder in Settings, ${AGAIN}`,
    },
  }
LOCAL.EPERM = LOCAL.EACCES!
LOCAL.EEXIST = LOCAL.ENOTDIR!
LOCAL.EISDIR = LOCAL.ENOTDIR!
const BUSY = new Set(['EMFILE', 'ENFILE', 'EBUSY', 'EAGAIN', 'ETXTBSY', 'EINTR'])

/** A file-system error met while saving into `where` (a folder), said as what it is. */
export function localFailure(error: unknown, where: string): KlingApiError {
  if (error instanceof KlingApiError) return error
  const errno = (error as NodeJS.ErrnoException | null)?.code ?? 'EIO'
  const known = LOCAL[errno]
  if (known) return downloadFailure(known.code, known.say(where, errno), { cause: error })
  if (BUSY.has(errno))
    return downloadFailure('local_busy', `Could not write in ${where} for now (${errno})`, {
      cause: error,
    })
  const detail = error instanceof Error ? error.message : String(error)
  return downloadFailure(
    'local_io',
    `Could not write the video in ${where} (${errno}: ${detail}): check the disk, ${AGAIN}`,
    { cause: error },
  )
}

/** The disk cannot hold what is still to come: said before anything is written. */
export function diskFull(where: string, need: number, free: number): KlingApiError {
  return downloadFailure(
    'local_disk_full',
    `The disk holding ${where} is full: the video needs ${sizeText(need)} and ${sizeText(free)} is free. ` +
      `Free some space there, ${AGAIN}`,
  )
}

/** Runs a file-system step, turning its failure into a local failure naming `where`. */
export async function onDisk<T>(where: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step()
  } catch (error) {
    throw localFailure(error, where)
  }
}
