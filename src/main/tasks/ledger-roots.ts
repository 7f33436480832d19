import type { StatementSync } from 'node:sqlite'

type Prepare = (sql: string) => StatementSync

// The library folders a history has saved into, kept for good: the media protocol serves videos
// from these and nothing else, so a change of folder keeps the old videos playable.

/** Remembers a folder (once; the first time it was used stays its time). */
export function addRoot(stmt: Prepare, path: string, at: number): void {
  stmt('INSERT INTO library_roots (path, added_at) VALUES (?, ?) ON CONFLICT DO NOTHING').run(
    path,
    at,
  )
}

/** Every folder, in the order they were first used. */
export function roots(stmt: Prepare): string[] {
  return (stmt('SELECT path FROM library_roots ORDER BY added_at').all() as { path: string }[]).map(
    (r) => r.path,
  )
}
