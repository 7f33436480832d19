// The search box as full-text queries: every word must match, each as a prefix, in the prompt or
// the negative prompt, whatever the case and accents (the index folds both). Kept apart from the
// ledger so the list planner and the tests share one reading of the words.

/** The longest prefix the full-text index keeps an index of (migration 3: '1 2 3 4 5 6 7 8'). */
export const INDEXED_PREFIX = 8

const MAX_WORDS = 16

function words(text: string): string[] {
  return text
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}_]+/u)
    .filter((w) => w.length > 0)
    .slice(0, MAX_WORDS)
}

/** Words of a search box as an FTS5 query: every word must match, each as a prefix. */
export function ftsQuery(text: string): string | null {
  const found = words(text)
  if (found.length === 0) return null
  return found.map((w) => `"${w.replace(/"/g, '""')}"*`).join(' AND ')
}

/**
 * How a query's words meet the index: `short` when every word's prefix part is short enough for
 * the prefix indexes (then checking one row is a few index seeks; a longer prefix makes FTS5
 * gather every term it covers, on each check). Only the plan depends on this, never the result.
 */
export function searchShape(text: string): { words: number; short: boolean } {
  const found = words(text)
  const short = found.every((w) => {
    // The tokenizer splits at '_' too and folds accents: the prefix is the last token, folded.
    const last =
      w
        .split('_')
        .filter((t) => t.length > 0)
        .pop() ?? ''
    const folded = last.normalize('NFD').replace(/\p{M}/gu, '')
    return [...folded].length <= INDEXED_PREFIX
  })
  return { words: found.length, short }
}
