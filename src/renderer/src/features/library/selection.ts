import { create } from 'zustand'

// Which library tiles are selected, for the bulk bar: Ctrl/Cmd-click or the checkbox toggles one,
// Shift extends from the last one toggled (the anchor) to the one clicked.

export interface SelectionState {
  ids: Record<string, true>
  /** Position of the last tile toggled: where a Shift range starts. */
  anchor: number | null
  toggle(id: string, position: number): void
  /** Selects every loaded tile from the anchor (or this one) to this one. */
  extend(position: number, idAt: (position: number) => string | undefined): void
  set(ids: string[]): void
  /** Takes these out of the selection (the others stay, and the anchor). */
  drop(ids: string[]): void
  clear(): void
}

export const useSelection = create<SelectionState>((set, get) => ({
  ids: {},
  anchor: null,
  toggle(id, position) {
    set((s) => {
      const { [id]: had, ...rest } = s.ids
      return { ids: had ? rest : { ...s.ids, [id]: true }, anchor: position }
    })
  },
  extend(position, idAt) {
    const from = get().anchor ?? position
    const ids = { ...get().ids }
    for (let p = Math.min(from, position); p <= Math.max(from, position); p++) {
      const id = idAt(p)
      if (id) ids[id] = true
    }
    set({ ids, anchor: from })
  },
  set(ids) {
    set({ ids: Object.fromEntries(ids.map((id) => [id, true as const])) })
  },
  drop(ids) {
    if (ids.length === 0) return
    set((s) => {
      const kept = { ...s.ids }
      for (const id of ids) delete kept[id]
      return { ids: kept }
    })
  },
  clear() {
    set({ ids: {}, anchor: null })
  },
}))

export const selectedIds = (s: SelectionState): string[] => Object.keys(s.ids)
