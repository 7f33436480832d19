import type { StatementSync } from 'node:sqlite'

type Prepare = (sql: string) => StatementSync

// The input images a history's requests name (`input:<sha256>.png`), one row per content hash:
// what the image is, where its copy is kept, and where it first came from.

export type InputSource = 'file' | 'url' | 'frame'

export interface InputRecord {
  sha256: string
  ext: string
  bytes: number
  width: number
  height: number
  /** Absolute path of the stored copy (the latest one kept). */
  file: string
  source: InputSource
  /** The file's path, the URL, or `<jobId>@<seconds>` for a frame of a library video. */
  origin: string
  addedAt: number
}

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
    ext: row.ext,
    bytes: row.bytes,
    width: row.width,
    height: row.height,
    file: row.file,
    source: row.source as InputSource,
    origin: row.origin,
    addedAt: row.added_at,
  }
}
