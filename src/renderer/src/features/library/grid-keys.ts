import { useJobs } from '../../stores/jobs'
import { vertical, type Layout } from './layout'
import { useSelection } from './selection'

// The library grid's keys: arrows move between tiles (Shift extends the selection), Home/End go
// to either end, Space selects, Ctrl/Cmd+A selects every loaded tile, Escape clears the
// selection, the context-menu key (or Shift+F10) opens the tile's menu. Enter is the tile's own
// button: it opens the player.

export interface GridKeyContext {
  focus: number
  total: number
  layout: Layout
  moveTo(position: number): void
  openMenu(position: number): void
}

const idAt = (p: number) => useJobs.getState().idAt(p)

/** Handles one key on the grid; true when it did (the caller prevents the default). */
export function gridKey(e: React.KeyboardEvent, c: GridKeyContext): boolean {
  if (c.total === 0) return false
  const sel = useSelection.getState()
  const move = (to: number) => {
    const next = Math.min(c.total - 1, Math.max(0, to))
    if (e.shiftKey) {
      // A range starts where the keyboard was, unless one was started before.
      if (sel.anchor === null) {
        const here = idAt(c.focus)
        if (here) sel.toggle(here, c.focus)
      }
      useSelection.getState().extend(next, idAt)
    }
    c.moveTo(next)
  }
  switch (e.key) {
    case 'ArrowRight':
      move(c.focus + 1)
      return true
    case 'ArrowLeft':
      move(c.focus - 1)
      return true
    case 'ArrowDown':
      move(vertical(c.layout, c.focus, 1))
      return true
    case 'ArrowUp':
      move(vertical(c.layout, c.focus, -1))
      return true
    case 'Home':
      move(0)
      return true
    case 'End':
      move(c.total - 1)
      return true
    case ' ': {
      const id = idAt(c.focus)
      if (id) {
        if (e.shiftKey) sel.extend(c.focus, idAt)
        else sel.toggle(id, c.focus)
      }
      return true
    }
    case 'Escape':
      if (Object.keys(sel.ids).length === 0) return false
      sel.clear()
      return true
    case 'ContextMenu':
      c.openMenu(c.focus)
      return true
    case 'F10':
      if (!e.shiftKey) return false
      c.openMenu(c.focus)
      return true
    case 'a':
    case 'A': {
      if (!(e.ctrlKey || e.metaKey)) return false
      const all: string[] = []
      for (let p = 0; p < c.total; p++) {
        const id = idAt(p)
        if (id) all.push(id)
      }
      sel.set(all)
      return true
    }
    default:
      return false
  }
}
