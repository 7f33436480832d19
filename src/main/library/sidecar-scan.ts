import { constants } from 'node:fs'
import { open, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { SidecarSkipReason } from '../../shared/contract'
import { verifyMp4 } from '../kling/download'
import { SANDBOX_DIR } from './library'
import { sidecarName } from './names'
import type { Sidecar } from './sidecar'
import { checkSidecar, SIDECAR_MAX_BYTES } from './sidecar-check'

// Reading the sidecars of a library folder without trusting them: a file too large is not read
// (its size is asked first, and at most the limit is ever read), something that is not a plain
// file (a pipe, a device) is not opened for reading, each sidecar is checked field by field, and
// only the MP4 beside it under its own name counts. One bad file is named with why and the scan
// goes on.

export type ScannedSidecar =
  | {
      ok: true
      /** The sidecar's own file, relative to the library folder ("Sandbox/x.json"). */
      at: string
      sidecar: Sidecar
      /** The video's full path, and its size on disk. */
      file: string
      bytes: number
    }
  | { ok: false; at: string; field: string | null; reason: SidecarSkipReason; message: string }

type Bounded =
  { kind: 'text'; text: string } | { kind: 'refused'; reason: SidecarSkipReason; message: string }

/** A file's text, if it is a plain file of at most `max` bytes of UTF-8; never more read than that. */
export async function readBounded(path: string, max: number): Promise<Bounded> {
  let handle
  try {
    // Non-blocking, so a named pipe put there does not hold the scan; nothing of it is read.
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch (error) {
    return { kind: 'refused', reason: 'unreadable', message: `cannot be opened (${codeOf(error)})` }
  }
  try {
    const info = await handle.stat()
    if (!info.isFile())
      return { kind: 'refused', reason: 'unreadable', message: 'is not a plain file' }
    if (info.size > max) return { kind: 'refused', reason: 'too_large', message: tooLarge(max) }
    // One byte more than allowed: a file that grew since its size was asked is caught too.
    const buffer = Buffer.alloc(Math.min(info.size, max) + 1)
    let length = 0
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length)
      if (bytesRead === 0) break
      length += bytesRead
    }
    if (length > max) return { kind: 'refused', reason: 'too_large', message: tooLarge(max) }
    try {
      return {
        kind: 'text',
        text: new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, length)),
      }
    } catch {
      return { kind: 'refused', reason: 'not_json', message: 'is not UTF-8 text' }
    }
  } catch (error) {
    return { kind: 'refused', reason: 'unreadable', message: `cannot be read (${codeOf(error)})` }
  } finally {
    await handle.close()
  }
}

function tooLarge(max: number): string {
  return `is larger than the ${Math.round(max / 1024)} KB a sidecar may have (ours are a few KB); not read`
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException)?.code ?? 'error'
}

/** Whether the MP4 the sidecar names is beside it, a plain file that reads as an MP4; its size. */
async function videoBeside(file: string): Promise<number | null> {
  try {
    const info = await stat(file)
    if (!info.isFile()) return null
    await verifyMp4(file)
    return info.size
  } catch {
    return null
  }
}

async function one(
  dir: string,
  name: string,
  at: string,
  now: number,
): Promise<ScannedSidecar | null> {
  const read = await readBounded(join(dir, name), SIDECAR_MAX_BYTES)
  if (read.kind === 'refused')
    return { ok: false, at, field: null, reason: read.reason, message: read.message }
  let value: unknown
  try {
    value = JSON.parse(read.text)
  } catch {
    return { ok: false, at, field: null, reason: 'not_json', message: 'is not valid JSON' }
  }
  const checked = checkSidecar(value, now)
  // Someone's own JSON file in the folder: not ours, not a problem.
  if (!checked.ok && checked.foreign) return null
  if (!checked.ok)
    return { ok: false, at, field: checked.field, reason: 'invalid', message: checked.message }
  const { sidecar } = checked
  // Only the MP4 this sidecar stands beside, under its own name: a copied-in sidecar must not
  // make the library open or serve some other file.
  if (sidecarName(sidecar.video) !== name)
    return {
      ok: false,
      at,
      field: 'video',
      reason: 'invalid',
      message: 'video must be the MP4 of the same name beside the sidecar',
    }
  const file = join(dir, sidecar.video)
  const bytes = await videoBeside(file)
  if (bytes === null)
    return {
      ok: false,
      at,
      field: 'video',
      reason: 'no_video',
      message: 'the MP4 beside it is missing or is not an MP4',
    }
  return { ok: true, at, sidecar, file, bytes }
}

/**
 * Every `.json` in the library folder and its sandbox folder, in name order, each as a sidecar
 * that checked out with its video, or as a skip with its reason. `now` bounds the times.
 */
export async function* scanSidecars(root: string, now: number): AsyncGenerator<ScannedSidecar> {
  for (const [dir, prefix] of [
    [root, ''],
    [join(root, SANDBOX_DIR), `${SANDBOX_DIR}/`],
  ] as const) {
    let names: string[]
    try {
      names = await readdir(dir)
    } catch {
      continue
    }
    for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
      const item = await one(dir, name, `${prefix}${name}`, now)
      if (item) yield item
    }
  }
}
