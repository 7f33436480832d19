import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import type { MediaFacts } from '../../shared/contract'
import { limit } from './limit'
import { readMp4Facts } from './mp4-facts'

// The facts of saved videos for the library (size, frame rate, length, bytes, name), read from
// the files and remembered per file, size and modification time: a grid of hundreds asks again
// on every scroll, and a file changed on disk is read again. The memory is bounded.

const MAX_REMEMBERED = 5000
/** Files read at once for one batch. */
const READS_AT_ONCE = 8

export class MediaFactsReader {
  private readonly known = new Map<string, MediaFacts>()

  constructor(private readonly max = MAX_REMEMBERED) {}

  /** A file's facts; null when it is not there (or not a file). */
  async of(file: string): Promise<MediaFacts | null> {
    const info = await stat(file).catch(() => null)
    if (!info?.isFile()) return null
    const key = `${file}\0${info.size}\0${info.mtimeMs}`
    const hit = this.known.get(key)
    if (hit) {
      // Most recently used last: the first key is the one to forget.
      this.known.delete(key)
      this.known.set(key, hit)
      return hit
    }
    const facts: MediaFacts = {
      ...(await readMp4Facts(file)),
      bytes: info.size,
      fileName: basename(file),
    }
    this.known.set(key, facts)
    while (this.known.size > this.max) this.known.delete(this.known.keys().next().value!)
    return facts
  }

  /** The facts of many files by id, in the order given; ids whose file is missing are left out. */
  async many(files: ReadonlyMap<string, string>): Promise<Record<string, MediaFacts>> {
    const reads = limit(READS_AT_ONCE)
    const entries = [...files]
    const facts = await Promise.all(entries.map(([, file]) => reads(() => this.of(file))))
    const out: Record<string, MediaFacts> = {}
    entries.forEach(([id], i) => {
      if (facts[i]) out[id] = facts[i]
    })
    return out
  }

  get size(): number {
    return this.known.size
  }
}
