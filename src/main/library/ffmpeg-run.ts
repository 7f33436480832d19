import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'

// One run of ffmpeg, answered rather than thrown: its exit code (or spawn error code, ENOENT when
// ffmpeg is not installed), what it said on stderr, and whether it ran out of time. Used for the
// library's posters and for frames of a video taken as input images.

export interface FfmpegRun {
  code: number | string
  stderr: string
  timedOut: boolean
}

export function runFfmpeg(ffmpeg: string, args: string[], timeoutMs: number): Promise<FfmpegRun> {
  return new Promise((resolve) => {
    execFile(
      ffmpeg,
      args,
      { timeout: timeoutMs, windowsHide: true, maxBuffer: 1024 * 1024 },
      (error, _stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code
        resolve({
          code: error ? (typeof code === 'number' || typeof code === 'string' ? code : -1) : 0,
          stderr: String(stderr),
          timedOut: error?.killed === true,
        })
      },
    )
  })
}

/** Not there to run at all (as opposed to failing on one file). */
export const ffmpegMissing = (run: FfmpegRun): boolean =>
  run.code === 'ENOENT' || run.code === 'EACCES'

/** What ffmpeg wrote to a file, or null when it wrote nothing (or no file at all). */
export async function readIfAny(file: string): Promise<Buffer | null> {
  try {
    const bytes = await readFile(file)
    return bytes.byteLength > 0 ? bytes : null
  } catch {
    return null
  }
}
