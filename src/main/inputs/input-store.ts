import { createHash, randomBytes } from 'node:crypto'
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { IMAGE_RULES, inputRef, parseInputRef, type ImageFacts } from '../../shared/kling'
import { InputError } from './errors'
import { imageFacts, requireImage } from './image-facts'
import type { InputSource, Provenance } from './read-image'

// Input images kept in the library folder by content hash, `<library>/Inputs/<sha256>.<png|jpg>`,
// so a request, the history and the sidecars name an image (`input:<sha256>.png`) instead of
// carrying megabytes of base64, and the same picture picked twice is one file. Files are written
// whole or not at all (temp file, then rename), and read back only if they still match their hash.

export const INPUTS_DIR = 'Inputs'

/** One stored input as the ledger's `inputs` table keeps it: what it is and where it came from. */
export interface InputMeta {
  sha256: string
  ext: 'png' | 'jpg'
  bytes: number
  width: number
  height: number
  /** Absolute path of the stored copy. */
  file: string
  source: InputSource
  /** The file's path, the URL, or the video and time of a frame. */
  origin: string
  /** Milliseconds since the epoch. */
  addedAt: number
}

export interface InputStoreOptions {
  /** The library folder now; asked on every call, so a moved library is followed. */
  root: () => string
  /** Told of every put (a new file or one reused), with this put's provenance. */
  record?: (meta: InputMeta) => void | Promise<void>
  /** Where an input was stored before, for a file kept under an earlier library folder. */
  lookup?: (sha256: string) => Pick<InputMeta, 'file'> | null
  now?: () => number
}

export interface StoredInput {
  /** `input:<sha256>.<png|jpg>`, to put in the request. */
  ref: string
  facts: ImageFacts
  file: string
  meta: InputMeta
  /** An identical file was already there and was left as it was. */
  reused: boolean
}

const sha256Of = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

/** Reads a stored file back if it still is what its name says; 'missing' or 'altered' otherwise. */
async function readIntact(file: string, sha256: string): Promise<Buffer | 'missing' | 'altered'> {
  try {
    const info = await stat(file)
    if (!info.isFile()) return 'missing'
    // No image kept here can be bigger than the rules allow: a bigger file was changed.
    if (info.size > IMAGE_RULES.maxBytes) return 'altered'
    const bytes = await readFile(file)
    return sha256Of(bytes) === sha256 ? bytes : 'altered'
  } catch {
    return 'missing'
  }
}

async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    const fh = await open(tmp, 'wx')
    try {
      await fh.writeFile(bytes)
      await fh.sync()
    } finally {
      await fh.close()
    }
    await rename(tmp, file)
  } catch (error) {
    await rm(tmp, { force: true })
    throw error
  }
}

export class InputStore {
  constructor(private readonly options: InputStoreOptions) {}

  /** The Inputs folder of the library folder now. */
  get dir(): string {
    return join(this.options.root(), INPUTS_DIR)
  }

  /**
   * Checks the image against every rule, then keeps it (once: identical bytes are one file) and
   * tells `record` where it came from. Nothing is written for an image that breaks a rule.
   */
  async put(bytes: Uint8Array, provenance: Provenance, field = 'image'): Promise<StoredInput> {
    const facts = requireImage(bytes, field)
    const sha256 = sha256Of(bytes)
    const ref = inputRef(sha256, facts.format === 'png' ? 'png' : 'jpeg')
    const ext = parseInputRef(ref)!.ext
    const file = join(this.dir, `${sha256}.${ext}`)
    const reused = (await readIntact(file, sha256)) instanceof Buffer
    if (!reused) {
      await mkdir(this.dir, { recursive: true })
      // A file by that name that no longer matches its hash is replaced by the right bytes.
      await writeAtomically(file, bytes)
    }
    const meta: InputMeta = {
      sha256,
      ext,
      bytes: bytes.byteLength,
      width: facts.width,
      height: facts.height,
      file,
      source: provenance.source,
      origin: provenance.origin,
      addedAt: (this.options.now ?? Date.now)(),
    }
    await this.options.record?.(meta)
    return { ref, facts, file, meta, reused }
  }

  /** The stored bytes of an input, checked against its hash. */
  async bytes(ref: string, field = 'image'): Promise<Buffer> {
    return (await this.locate(ref, field)).bytes
  }

  /** The stored image as raw base64 (no "data:" prefix), as the service takes it. */
  async base64(ref: string, field = 'image'): Promise<string> {
    return (await this.bytes(ref, field)).toString('base64')
  }

  /** The path of an intact copy of the input: in this library folder, or where it was kept before. */
  async fileOf(ref: string, field = 'image'): Promise<string> {
    return (await this.locate(ref, field)).file
  }

  /** Format and pixels of a stored input (for the masks' size rule). */
  async factsOf(ref: string, field = 'image'): Promise<ImageFacts> {
    return imageFacts(await this.bytes(ref, field))
  }

  private async locate(ref: string, field: string): Promise<{ file: string; bytes: Buffer }> {
    const parsed = parseInputRef(ref)
    if (!parsed) {
      throw InputError.of(
        field,
        'input_ref',
        `${field} is not an input name (input:<sha256>.png or .jpg): ${ref.slice(0, 100)}`,
      )
    }
    const here = join(this.dir, `${parsed.sha256}.${parsed.ext}`)
    const before = this.options.lookup?.(parsed.sha256)?.file
    const candidates = before && before !== here ? [here, before] : [here]
    let altered: string | null = null
    for (const file of candidates) {
      const found = await readIntact(file, parsed.sha256)
      if (found instanceof Buffer) return { file, bytes: found }
      if (found === 'altered') altered ??= file
    }
    if (altered !== null) {
      throw InputError.of(
        field,
        'input_altered',
        `${field} ${ref} was changed on disk (${altered} no longer matches its hash); add the image again`,
        { ref, path: altered },
      )
    }
    throw InputError.of(
      field,
      'input_not_stored',
      `${field} ${ref} is not in the library's Inputs folder (${this.dir}); add the image again`,
      { ref, path: this.dir },
    )
  }
}
