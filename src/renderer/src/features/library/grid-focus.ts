import { useEffect, useMemo, useRef, useState } from 'react'
import { useJobs } from '../../stores/jobs'
import { GAP, type ScrollerView } from './grid-hooks'
import { boxOf, type Layout } from './layout'
import { useSelection } from './selection'
import type { TileEvents } from './Tile'

// Where the keyboard is in the grid and what clicks on tiles do. One tile is the grid's Tab stop;
// arrows move it (scrolling it into view, focusing it once rendered); a click opens, Ctrl/Cmd
// toggles, Shift selects a range; a right click opens the tile's menu.

export interface TileMenuAt {
  position: number
  at: { x: number; y: number }
}

export function useGridFocus(
  scroller: React.RefObject<HTMLDivElement | null>,
  layout: Layout,
  view: ScrollerView,
): { focus: number; setFocus(p: number): void; moveTo(p: number): void } {
  const [focus, setFocus] = useState(0)
  /** A tile the keyboard moved to, focused once it is in the DOM. */
  const pending = useRef<number | null>(null)
  useEffect(() => {
    if (pending.current === null) return
    const button = scroller.current?.querySelector<HTMLElement>(
      `[data-position="${pending.current}"]`,
    )
    if (button) {
      pending.current = null
      button.focus()
    }
  })
  const moveTo = (position: number) => {
    const el = scroller.current
    const box = boxOf(layout, position)
    if (el && box) {
      if (box.y < el.scrollTop) el.scrollTo({ top: Math.max(0, box.y - GAP) })
      else if (box.y + box.h > el.scrollTop + view.height)
        el.scrollTo({ top: box.y + box.h - view.height + GAP })
    }
    pending.current = position
    setFocus(position)
  }
  return { focus, setFocus, moveTo }
}

/** What tiles report, as one stable object (so the memoised tiles do not all re-render). */
export function useTileEvents(
  onOpen: (id: string) => void,
  setFocus: (p: number) => void,
  setMenu: (m: TileMenuAt) => void,
): TileEvents {
  const open = useRef(onOpen)
  useEffect(() => {
    open.current = onOpen
  })
  return useMemo<TileEvents>(() => {
    const idAt = (p: number) => useJobs.getState().idAt(p)
    return {
      onActivate(position, { ctrl, shift }) {
        const id = idAt(position)
        if (!id) return
        setFocus(position)
        const sel = useSelection.getState()
        if (shift) sel.extend(position, idAt)
        else if (ctrl) sel.toggle(id, position)
        else open.current(id)
      },
      onToggle(position, shift) {
        const id = idAt(position)
        if (!id) return
        setFocus(position)
        if (shift) useSelection.getState().extend(position, idAt)
        else useSelection.getState().toggle(id, position)
      },
      onMenu(position, at) {
        setFocus(position)
        setMenu({ position, at })
      },
      onFocus: setFocus,
    }
  }, [setFocus, setMenu])
}
