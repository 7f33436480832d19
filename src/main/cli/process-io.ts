import type { CliIo } from './output'

// The command line's own process streams. A reader that goes away early (`kling-studio list |
// head -1`) closes the pipe: what is left to print is dropped and the command ends as it would
// have, with no stack trace. Any other write failure is said once on stderr, and the exit code
// says something went wrong.

export interface ProcessIo extends CliIo {
  /** Set when stdout failed for another reason than its reader leaving (a full disk, ...). */
  readonly failed: () => boolean
}

export function processIo(env: Record<string, string | undefined> = process.env): ProcessIo {
  let failed = false
  const stderr = guarded(process.stderr, () => undefined)
  const stdout = guarded(process.stdout, (error) => {
    failed = true
    stderr(`kling-studio: cannot write the output (${error.code ?? error.message})\n`)
  })
  return {
    stdout,
    stderr,
    interactive: process.stderr.isTTY === true,
    env,
    now: Date.now,
    failed: () => failed,
  }
}

/** Writes while the stream lives; a closed pipe (EPIPE) ends the writing quietly. */
function guarded(
  stream: NodeJS.WriteStream,
  onOtherError: (error: NodeJS.ErrnoException) => void,
): (text: string) => void {
  let open = true
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (!open) return
    open = false
    if (error.code !== 'EPIPE') onOtherError(error)
  })
  return (text) => {
    if (open && !stream.destroyed) stream.write(text)
  }
}
