import type { DatabaseSync, StatementSync } from 'node:sqlite'

type Prepare = (sql: string) => StatementSync

// Every word the prompts hold, folded as the full-text index folds it (lower case, accents off).
// A search word longer than the index's prefix indexes is named by the terms it begins, looked up
// here in an index range (microseconds), instead of making FTS5 gather them at every check, or
// asking its own vocabulary, which reads every posting to count them.

export const TERMS_TABLE = `CREATE TABLE IF NOT EXISTS search_terms (term TEXT PRIMARY KEY) WITHOUT ROWID`

/** The terms of a text, as the index's tokenizer makes them (letters and digits, folded). */
export function termsOf(...texts: string[]): string[] {
  const out = new Set<string>()
  for (const text of texts) {
    for (const w of text.normalize('NFKC').split(/[^\p{L}\p{N}]+/u)) {
      if (w !== '') out.add(w.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase())
    }
  }
  return [...out]
}

export function addTerms(stmt: Prepare, ...texts: string[]): void {
  const insert = stmt('INSERT OR IGNORE INTO search_terms (term) VALUES (?)')
  for (const term of termsOf(...texts)) insert.run(term)
}

/** Up to `max` known terms beginning with a folded word; null past that. */
export function termsBeginning(stmt: Prepare, folded: string, max = 24): string[] | null {
  const rows = stmt(
    'SELECT term FROM search_terms WHERE term >= ? AND term < ? ORDER BY term LIMIT ?',
  ).all(folded, `${folded}\u{10ffff}`, max + 1) as { term: string }[]
  return rows.length > max ? null : rows.map((r) => r.term)
}

/**
 * Fills the table from a history that has none yet (one written before it existed), in one
 * transaction; a new history's table starts empty and grows with each job.
 */
export function ensureTerms(db: DatabaseSync): void {
  db.exec(TERMS_TABLE)
  const done = db.prepare("SELECT value FROM meta WHERE key = 'search_terms'").get()
  if (done) return
  db.exec('BEGIN IMMEDIATE')
  try {
    const insert = db.prepare('INSERT OR IGNORE INTO search_terms (term) VALUES (?)')
    for (const row of db.prepare('SELECT prompt, negative_prompt FROM jobs').iterate()) {
      const r = row as { prompt: string; negative_prompt: string }
      for (const term of termsOf(r.prompt, r.negative_prompt)) insert.run(term)
    }
    db.prepare("INSERT INTO meta (key, value) VALUES ('search_terms', 1)").run()
    db.exec('COMMIT')
  } catch (error) {
    db.exec('ROLLBACK')
    throw error
  }
}
