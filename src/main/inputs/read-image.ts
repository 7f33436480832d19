import { open, stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { IMAGE_RULES, type ImageFacts } from '../../shared/kling'
import { InputError, tooManyBytes } from './errors'
import { requireImage } from './image-facts'

// An image picked as an input, read and checked against every image rule before anything is
// stored or sent: from a file, or from bytes already in memory (a frame the window captured).
// URLs are read in read-url.ts. The format comes from the bytes, never from the name.

export type InputSource = 'file' | 'url' | 'frame'

/** Where an input came from: a file's absolute path, the URL, or the video and time of a frame. */
export interface Provenance {
  source: InputSource
  origin: string
}

/** Checked image bytes with their facts and where they came from, ready for InputStore.put. */
export interface ImageRead {
  bytes: Buffer
  facts: ImageFacts
  provenance: Provenance
}

export interface FileReadOptions {
  /** The request field named in errors ("image", "image_list[1].image"); "image" unless given. */
  field?: string
  /** What a relative path is relative to; the process's working folder unless given. */
  cwd?: string
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
}

/** Bytes already in memory: a frame the window captured (PNG), or anything else with its origin. */
export function readImageBytes(
  bytes: Uint8Array,
  provenance: Provenance,
  options: { field?: string } = {},
): ImageRead {
  const facts = requireImage(bytes, options.field ?? 'image')
  return { bytes: asBuffer(bytes), facts, provenance }
}

/** The file could not be read: the system's code, named with the field and the path. */
function unreadable(field: string, file: string, error: unknown): InputError {
  const code = fsCode(error)
  return InputError.of(
    field,
    'input_unreadable',
    `${field} could not be read: ${file} (${code})`,
    { path: file, code },
    error,
  )
}

function fsCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error)
}

/**
 * A file on disk. Its size is known from stat before a byte is read, so a file over 10 MB is
 * refused without reading it; the read itself stops past the cap should the file grow meanwhile.
 */
export async function readImageFile(
  path: string,
  options: FileReadOptions = {},
): Promise<ImageRead> {
  const field = options.field ?? 'image'
  const file = resolve(options.cwd ?? process.cwd(), path)
  let info
  try {
    info = await stat(file)
  } catch (error) {
    const code = fsCode(error)
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw InputError.of(
        field,
        'input_missing',
        `${field} names a file that does not exist: ${file}`,
        { path: file },
      )
    }
    throw unreadable(field, file, error)
  }
  if (info.isDirectory()) {
    throw InputError.of(
      field,
      'input_not_file',
      `${field} names a folder, not an image file: ${file}`,
      { path: file },
    )
  }
  if (!info.isFile()) {
    throw InputError.of(field, 'input_not_file', `${field} is not a regular file: ${file}`, {
      path: file,
    })
  }
  if (info.size > IMAGE_RULES.maxBytes) throw tooManyBytes(field, info.size)
  const bytes = await readAtMost(file, field, info.size, IMAGE_RULES.maxBytes)
  const facts = requireImage(bytes, field)
  return { bytes, facts, provenance: { source: 'file', origin: file } }
}

/** The whole file if it holds at most `max` bytes; the image_bytes error as soon as it passes them. */
async function readAtMost(
  file: string,
  field: string,
  expected: number,
  max: number,
): Promise<Buffer> {
  let fh
  try {
    fh = await open(file, 'r')
  } catch (error) {
    throw unreadable(field, file, error)
  }
  try {
    // One byte more than stat said, to notice a file that grew since; grown again if it did.
    let buffer = Buffer.alloc(Math.min(expected, max) + 1)
    let length = 0
    for (;;) {
      if (length === buffer.length) {
        const bigger = Buffer.alloc(Math.min(buffer.length * 2, max + 1))
        buffer.copy(bigger)
        buffer = bigger
      }
      const { bytesRead } = await fh.read(buffer, length, buffer.length - length, length)
      if (bytesRead === 0) break
      length += bytesRead
      if (length > max) throw tooManyBytes(field, length)
    }
    return buffer.subarray(0, length)
  } catch (error) {
    if (error instanceof InputError) throw error
    throw unreadable(field, file, error)
  } finally {
    await fh.close()
  }
}
