import { open, rm, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { UsageError } from './args'

// Where a paying command's --out will be written, proven before anything is sent: not a folder
// (nor a name ending in a separator, which means one), not a pipe or a device, and a file that can
// really be created or opened for writing there. Asking the file system is the only sure test:
// permission bits say nothing when running as root, and a read-only disk or a name too long shows
// only when a file is made. A file made for the test is removed again; one already there is left
// as it was.

const WHY: Record<string, string> = {
  EROFS: 'the disk is read-only',
  EACCES: 'writing there is not allowed',
  EPERM: 'writing there is not allowed',
  ENAMETOOLONG: 'the name or path is too long for this disk',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENOSPC: 'the disk is full',
  EISDIR: 'it is a folder',
}

export async function checkOutFile(out: string): Promise<void> {
  const folder = () =>
    new UsageError(
      `--out ${out} is a folder; name the file to write (such as ${join(out, 'video.mp4')})`,
    )
  if (/[\\/]$/.test(out) || /(^|[\\/])\.\.?$/.test(out)) throw folder()
  const dest = resolve(out)
  const info = await stat(dest).catch(() => null)
  if (info?.isDirectory()) throw folder()
  if (info && !info.isFile())
    throw new UsageError(
      `--out ${out} is not a plain file (a pipe or a device); name a file to write`,
    )
  try {
    if (info) await (await open(dest, 'r+')).close()
    else {
      await (await open(dest, 'wx')).close()
      await rm(dest, { force: true })
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? ''
    if (code === 'EEXIST') return
    throw new UsageError(
      `--out ${out} cannot be written: ${WHY[code] ?? (error as Error).message} (${code || 'error'}); nothing was sent`,
    )
  }
}
