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

/**
 * The indexed terms a long word is the prefix of (past INDEXED_PREFIX letters FTS5 would gather
 * them itself, at every check); null when there are too many to name or the word is not plain.
 */
export type Expand = (folded: string) => string[] | null

/** As the index folds a plain word: lower case, accents off. */
const fold = (w: string) => w.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()

/** One word as an FTS5 phrase: a prefix, or (a long plain word) the terms it is the prefix of. */
function phrase(w: string, expand?: Expand): string {
  const quoted = `"${w.replace(/"/g, '""')}"*`
  if (!expand || !/^[\p{L}\p{N}]+$/u.test(w) || [...fold(w)].length <= INDEXED_PREFIX) return quoted
  const terms = expand(fold(w))
  if (!terms || terms.length === 0) return quoted
  return `(${terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR ')})`
}

/** Words of a search box as an FTS5 query: every word must match, each as a prefix. */
export function ftsQuery(text: string, expand?: Expand): string | null {
  const found = words(text)
  if (found.length === 0) return null
  return found.map((w) => phrase(w, expand)).join(' AND ')
}

/**
 * How a query's words meet the index: `short` when every word's prefix part is short enough for
 * the prefix indexes (then checking one row is a few index seeks; a longer prefix makes FTS5
 * gather every term it covers, on each check). Only the plan depends on this, never the result.
 */
export function searchShape(text: string, expand?: Expand): { words: number; short: boolean } {
  const found = words(text)
  const short = found.every((w) => {
    // A long word named by its terms costs what a short one does.
    if (expand && phrase(w, expand) !== `"${w.replace(/"/g, '""')}"*`) return true
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
