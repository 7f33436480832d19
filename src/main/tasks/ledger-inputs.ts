import type { StatementSync } from 'node:sqlite'
import type { InputMeta } from '../inputs/input-store'

type Prepare = (sql: string) => StatementSync

// The input images a history's requests name (`input:<sha256>.png`), one row per content hash:
// what the image is, where its copy is kept, and where it first came from.

/** One stored input as the inputs store describes it (src/main/inputs/input-store.ts). */
export type InputRecord = InputMeta

interface InputRow {
  sha256: string
  ext: string
  bytes: number
  width: number
  height: number
  file: string
  source: string
  origin: string
  added_at: number
}

/**
 * Records an input. The same picture added again keeps its first provenance and time, and
 * follows its copy to where it was stored last (a moved library folder).
 */
export function addInput(stmt: Prepare, meta: InputRecord): InputRecord {
  stmt(
    `INSERT INTO inputs (sha256, ext, bytes, width, height, file, source, origin, added_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (sha256) DO UPDATE SET file = excluded.file`,
  ).run(
    meta.sha256,
    meta.ext,
    meta.bytes,
    meta.width,
    meta.height,
    meta.file,
    meta.source,
    meta.origin,
    meta.addedAt,
  )
  return inputOf(stmt, meta.sha256)!
}

export function inputOf(stmt: Prepare, sha256: string): InputRecord | null {
  const row = stmt('SELECT * FROM inputs WHERE sha256 = ?').get(sha256) as InputRow | undefined
  if (!row) return null
  return {
    sha256: row.sha256,
    ext: row.ext === 'png' ? 'png' : 'jpg',
    bytes: row.bytes,
    width: row.width,
    height: row.height,
    file: row.file,
    source: row.source as InputMeta['source'],
    origin: row.origin,
    addedAt: row.added_at,
  }
}
