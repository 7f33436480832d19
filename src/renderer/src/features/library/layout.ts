// Where each tile of the library sits: justified rows, every tile in its clip's own shape (width
// from its aspect at the row's height), a header row where the date group changes. Only loaded
// tiles are placed one by one; a run of tiles not loaded yet is a band of identical rows, so a
// history of a million costs what its loaded pages cost. Pure: the grid renders what this says.

export interface LayoutItem {
  /** Width / height of the clip. */
  aspect: number
  /** Its date group (null: not loaded yet; it stays in the group before it). */
  group: string | null
}

export interface LayoutParams {
  count: number
  /** The item at a position; null for one not loaded yet. */
  item(position: number): LayoutItem | null
  width: number
  /** The tile height a row aims at (the size slider), poster only. */
  rowHeight: number
  gap: number
  /** The caption under each poster. */
  caption: number
  header: number
  /** The shape of a tile not loaded yet. */
  defaultAspect: number
}

/** One or more rows; several only for a run of identical placeholder rows. */
export interface Band {
  y: number
  first: number
  /** Tiles in each row of the band. */
  perRow: number
  rows: number
  posterHeight: number
  /** Each row's height with its caption (the next row starts a gap below). */
  height: number
  /** Per-tile x and width (a single row); a band of identical rows spaces tiles evenly. */
  xs?: number[]
  ws?: number[]
  tileWidth: number
}

export interface Header {
  y: number
  group: string
}

export interface Layout {
  bands: Band[]
  headers: Header[]
  height: number
  count: number
  gap: number
}

export interface Box {
  x: number
  y: number
  w: number
  h: number
  posterHeight: number
}

/** Very wide or tall clips are placed as if less so (cropped), so no tile is a sliver. */
const clampAspect = (a: number) => Math.min(2.4, Math.max(0.5, Number.isFinite(a) && a > 0 ? a : 1))

/** Whole rows of tiles not loaded yet, from `first` on, as one band (null: not one full row). */
function unloadedBand(
  p: LayoutParams,
  first: number,
  y: number,
  width: number,
  perRow: number,
  aspect: number,
): Band | null {
  let end = first
  while (end < p.count && p.item(end) === null) end++
  const rows = Math.floor((end - first) / perRow)
  if (rows === 0) return null
  const tileWidth = (width - p.gap * (perRow - 1)) / perRow
  const posterHeight = Math.min(p.rowHeight * 1.4, tileWidth / aspect)
  return {
    y,
    first,
    perRow,
    rows,
    posterHeight,
    height: posterHeight + p.caption,
    tileWidth,
  }
}

/** One justified row: its tiles stretched (or shrunk) to the width, at one height. */
function rowBand(
  p: LayoutParams,
  row: { i: number; a: number }[],
  y: number,
  width: number,
  last: boolean,
): Band {
  const sum = row.reduce((n, t) => n + t.a, 0)
  const free = width - p.gap * (row.length - 1)
  // The last row of a group keeps the aimed height rather than stretching a lone tile.
  const h = last ? Math.min(p.rowHeight, free / sum) : free / sum
  const xs: number[] = []
  const ws: number[] = []
  let x = 0
  for (const t of row) {
    xs.push(x)
    ws.push(t.a * h)
    x += t.a * h + p.gap
  }
  return {
    y,
    first: row[0]!.i,
    perRow: row.length,
    rows: 1,
    posterHeight: h,
    height: h + p.caption,
    xs,
    ws,
    tileWidth: 0,
  }
}

/**
 * Whether a tile of aspect `a` no longer fits the row: 'before' ends the row without it
 * (stretched), 'with' ends it with it (shrunk), whichever is nearer the aimed height; null: it fits.
 */
function fullRow(p: LayoutParams, width: number, count: number, sum: number, a: number) {
  if (count === 0 || sum * p.rowHeight + a * p.rowHeight + p.gap * count <= width) return null
  const grow = (width - p.gap * (count - 1)) / (sum * p.rowHeight)
  const shrink = (width - p.gap * count) / ((sum + a) * p.rowHeight)
  return grow <= 1 / shrink ? 'before' : 'with'
}

export function computeLayout(p: LayoutParams): Layout {
  const bands: Band[] = []
  const headers: Header[] = []
  const width = Math.max(1, p.width)
  let y = 0
  let group: string | null = null
  let row: { i: number; a: number }[] = []
  let sum = 0

  const flush = (last: boolean) => {
    if (row.length === 0) return
    const band = rowBand(p, row, y, width, last)
    bands.push(band)
    y += band.height + p.gap
    row = []
    sum = 0
  }
  const add = (i: number, a: number) => {
    row.push({ i, a })
    sum += a
  }

  const dflt = clampAspect(p.defaultAspect)
  const perRow = Math.max(1, Math.floor((width + p.gap) / (dflt * p.rowHeight + p.gap)))
  for (let i = 0; i < p.count; i++) {
    const it = p.item(i)
    if (it === null && row.length === 0) {
      const band = unloadedBand(p, i, y, width, perRow, dflt)
      if (band) {
        bands.push(band)
        y += band.rows * (band.height + p.gap)
        i += band.rows * perRow - 1
        continue
      }
    }
    if (it && it.group !== null && it.group !== group) {
      flush(true)
      group = it.group
      headers.push({ y, group })
      y += p.header
    }
    const a = it ? clampAspect(it.aspect) : dflt
    const full = fullRow(p, width, row.length, sum, a)
    if (full === 'before') flush(false)
    add(i, a)
    if (full === 'with') flush(false)
  }
  flush(true)
  return { bands, headers, height: Math.max(0, y - p.gap), count: p.count, gap: p.gap }
}

function bandOfIndex(layout: Layout, index: number): number {
  let lo = 0
  let hi = layout.bands.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (layout.bands[mid]!.first <= index) lo = mid
    else hi = mid - 1
  }
  return lo
}

const bandEnd = (b: Band, gap: number) => b.y + b.rows * (b.height + gap) - gap

/** The box of the tile at a position (null: outside the layout). */
export function boxOf(layout: Layout, index: number): Box | null {
  if (index < 0 || index >= layout.count || layout.bands.length === 0) return null
  const b = layout.bands[bandOfIndex(layout, index)]!
  const k = index - b.first
  if (k >= b.perRow * b.rows) return null
  if (b.xs && b.ws)
    return { x: b.xs[k]!, y: b.y, w: b.ws[k]!, h: b.height, posterHeight: b.posterHeight }
  const r = Math.floor(k / b.perRow)
  return {
    x: (k % b.perRow) * (b.tileWidth + layout.gap),
    y: b.y + r * (b.height + layout.gap),
    w: b.tileWidth,
    h: b.height,
    posterHeight: b.posterHeight,
  }
}

/** The first and last positions with a tile between these heights (null: none). */
export function rangeIn(
  layout: Layout,
  top: number,
  bottom: number,
): { first: number; last: number } | null {
  const { bands, gap } = layout
  if (bands.length === 0) return null
  let lo = 0
  let hi = bands.length - 1
  // The first band that ends below `top`.
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (bandEnd(bands[mid]!, gap) < top) lo = mid + 1
    else hi = mid
  }
  const rowOf = (b: Band, y: number) =>
    Math.min(b.rows - 1, Math.max(0, Math.floor((y - b.y) / (b.height + gap))))
  const start = bands[lo]!
  const first = start.first + rowOf(start, top) * start.perRow
  let end = lo
  while (end + 1 < bands.length && bands[end + 1]!.y <= bottom) end++
  const stop = bands[end]!
  const last = stop.first + (rowOf(stop, bottom) + 1) * stop.perRow - 1
  return { first, last: Math.min(last, layout.count - 1) }
}

/** The row a position sits in, as a band and a row of it. */
function rowAt(layout: Layout, index: number): { band: number; row: number } {
  const band = bandOfIndex(layout, index)
  const b = layout.bands[band]!
  return { band, row: Math.floor((index - b.first) / b.perRow) }
}

/** The position above or below, nearest to this tile's middle (the same one at an edge). */
export function vertical(layout: Layout, index: number, step: -1 | 1): number {
  if (layout.bands.length === 0) return index
  const here = boxOf(layout, index)
  if (!here) return index
  const { band, row } = rowAt(layout, index)
  const b = layout.bands[band]!
  let target: { band: number; row: number }
  if (row + step >= 0 && row + step < b.rows) target = { band, row: row + step }
  else if (band + step >= 0 && band + step < layout.bands.length)
    target = { band: band + step, row: step < 0 ? layout.bands[band + step]!.rows - 1 : 0 }
  else return index
  const t = layout.bands[target.band]!
  const from = t.first + target.row * t.perRow
  const middle = here.x + here.w / 2
  let best = from
  let bestDistance = Infinity
  for (let i = from; i < Math.min(from + t.perRow, layout.count); i++) {
    const box = boxOf(layout, i)!
    const d = Math.abs(box.x + box.w / 2 - middle)
    if (d < bestDistance) {
      best = i
      bestDistance = d
    }
  }
  return best
}
