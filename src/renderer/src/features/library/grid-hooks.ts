import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import { useApp } from '../../stores/app'
import { useJobs } from '../../stores/jobs'
import { noticeFrom } from '../../ui/errors'
import { dayMarks, groupOf } from './groups'
import { boxOf, computeLayout, rangeIn, type Layout } from './layout'
import { aspectOf } from './media'

// The moving parts of the library grid, one hook each: the scroller's size and scroll, the layout
// of the tiles, keeping the tiles in view in place when those above change shape, and loading
// what the tiles in view need (their pages, the facts of their files).

export const GAP = 12
export const CAPTION = 46
export const HEADER = 40
/** How long the grid must stand still before tiles that scrolled in start loading their poster. */
const SETTLE_MS = 150

export interface ScrollerView {
  top: number
  height: number
  width: number
}

/** The scroller's size (followed as it changes) and scroll position, and whether it is moving. */
export function useScroller(): {
  scroller: React.RefObject<HTMLDivElement | null>
  view: ScrollerView
  scrolling: boolean
  onScroll(top: number): void
} {
  const scroller = useRef<HTMLDivElement>(null)
  const [view, setView] = useState<ScrollerView>({ top: 0, height: 800, width: 1000 })
  const [scrolling, setScrolling] = useState(false)
  const settle = useRef<ReturnType<typeof setTimeout> | null>(null)
  useEffect(() => () => clearTimeout(settle.current ?? undefined), [])
  useLayoutEffect(() => {
    const el = scroller.current
    if (!el) return
    const measure = () =>
      setView({ top: el.scrollTop, height: el.clientHeight, width: el.clientWidth })
    measure()
    const observer = new ResizeObserver(measure)
    observer.observe(el)
    return () => observer.disconnect()
  }, [])
  const onScroll = (top: number) => {
    setView((v) => ({ ...v, top }))
    setScrolling(true)
    clearTimeout(settle.current ?? undefined)
    settle.current = setTimeout(() => setScrolling(false), SETTLE_MS)
  }
  return { scroller, view, scrolling, onScroll }
}

/** Where every tile sits, from the loaded jobs, their files' facts and the tile size. */
export function useGridLayout(width: number, tileSize: number): Layout {
  const ids = useJobs((s) => s.ids)
  const total = useJobs((s) => s.total)
  const byId = useJobs((s) => s.byId)
  const facts = useJobs((s) => s.facts)
  const oldest = useJobs((s) => s.sort === 'oldest' && !s.totalIsEstimate)
  const [marks] = useState(() => dayMarks(Date.now()))
  return useMemo(() => {
    const idAt = (p: number) => ids[oldest ? total - 1 - p : p]
    return computeLayout({
      count: total,
      item: (p) => {
        const id = idAt(p)
        const job = id === undefined ? undefined : byId[id]
        return job
          ? { aspect: aspectOf(job, facts[job.id]), group: groupOf(job.createdAt, marks) }
          : null
      },
      width,
      rowHeight: tileSize,
      gap: GAP,
      caption: CAPTION,
      header: HEADER,
      defaultAspect: 16 / 9,
    })
  }, [ids, byId, facts, total, oldest, width, tileSize, marks])
}

/**
 * Keeps the first tile in view where it was when tiles above it change shape (facts arriving, a
 * date header appearing). Returns what the scroll handler calls to note that tile.
 */
export function useKeepInView(
  scroller: React.RefObject<HTMLDivElement | null>,
  layout: Layout,
): (top: number) => void {
  const anchor = useRef<{ position: number; offset: number } | null>(null)
  useLayoutEffect(() => {
    const el = scroller.current
    const a = anchor.current
    if (!el || !a || el.scrollTop <= 0) return
    const box = boxOf(layout, a.position)
    if (box && Math.abs(box.y - a.offset - el.scrollTop) > 1) el.scrollTo({ top: box.y - a.offset })
  }, [scroller, layout])
  return (top) => {
    const inView = rangeIn(layout, top, top)
    const box = inView ? boxOf(layout, inView.first) : null
    anchor.current = inView && box ? { position: inView.first, offset: box.y - top } : null
  }
}

/** Loads the pages of the positions in view, and (once the grid is still) their files' facts. */
export function useLoadInView(first: number, last: number, scrolling: boolean): void {
  const total = useJobs((s) => s.total)
  const byId = useJobs((s) => s.byId)
  useEffect(() => {
    if (total > 0 && last >= first)
      void useJobs
        .getState()
        .ensurePositions(first, last)
        .catch((e: unknown) => useApp.getState().notify(noticeFrom(e)))
  }, [first, last, total])
  useEffect(() => {
    if (scrolling || last < first) return
    const s = useJobs.getState()
    const wanted: string[] = []
    for (let p = first; p <= last; p++) {
      const id = s.idAt(p)
      if (id && s.byId[id]?.saved && !s.factsAsked[id]) wanted.push(id)
    }
    if (wanted.length > 0) void s.ensureFacts(wanted)
  }, [first, last, scrolling, byId])
}
