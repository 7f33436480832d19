// HTTP Range for one file (RFC 9110 section 14): shared by the emulator's video answers and the
// app's media protocol. Pure, so every edge case is a one-line test.

export type RangeResult =
  { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' }

/**
 * Reads a Range header against a file of `size` bytes. Several ranges, or a unit other than
 * bytes, get the whole file: allowed by the RFC and all a video player needs.
 */
export function parseRange(header: string | null | undefined, size: number): RangeResult {
  if (!header) return { kind: 'full' }
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header)
  if (!m) return { kind: 'full' }
  const [, first, last] = m as unknown as [string, string, string]
  if (first === '' && last === '') return { kind: 'full' }
  if (first === '') {
    // A suffix: the last N bytes.
    const n = Number(last)
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' }
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 }
  }
  const start = Number(first)
  if (start >= size) return { kind: 'unsatisfiable' }
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
  if (end < start) return { kind: 'unsatisfiable' }
  return { kind: 'partial', start, end }
}

export function contentRange(start: number, end: number, size: number): string {
  return `bytes ${start}-${end}/${size}`
}
