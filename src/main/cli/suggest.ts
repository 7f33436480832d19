// Which flag a mistyped one was meant to be: the nearest known flag of the same command by edit
// distance (two neighbouring letters swapped count as one edit), or the only one it begins.

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1
  const cols = b.length + 1
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1)
      d[i]![j] = best
    }
  }
  return d[a.length]![b.length]!
}

/**
 * The known name `word` most likely stands for, or undefined when none is close: at most two
 * edits and fewer than half its letters; else the one known name it is the start of.
 */
export function nearest(word: string, known: readonly string[]): string | undefined {
  const w = word.toLowerCase()
  // Nearest first; between equals, the one of the same length (a swap, not a letter left out).
  let best: { name: string; distance: number; gap: number } | undefined
  for (const name of known) {
    const distance = editDistance(w, name)
    const gap = Math.abs(name.length - w.length)
    if (!best || distance < best.distance || (distance === best.distance && gap < best.gap))
      best = { name, distance, gap }
  }
  if (best && best.distance <= 2 && best.distance * 2 < Math.max(w.length, 2)) return best.name
  const starts = w.length >= 3 ? known.filter((name) => name.startsWith(w)) : []
  return starts.length === 1 ? starts[0] : undefined
}
