import { create } from 'zustand'
import type { MediaFacts } from '../../../../shared/contract'
import { api, call } from '../../api'

// The facts of saved video files (their real width and height), asked of main once per video:
// the feed draws an image-to-video take in its own shape, which only the file knows.

export interface FactsState {
  byId: Record<string, MediaFacts>
  /** Ids already asked about (answered or not), so none is asked twice. */
  asked: Record<string, true>
  want(ids: string[]): void
}

export const useFacts = create<FactsState>((set, get) => ({
  byId: {},
  asked: {},
  want(ids) {
    const fresh = ids.filter((id) => !get().asked[id])
    if (fresh.length === 0) return
    set((s) => ({ asked: { ...s.asked, ...Object.fromEntries(fresh.map((id) => [id, true])) } }))
    // A file main cannot read keeps its placeholder shape: nothing to tell the person.
    void call(api().library.facts({ ids: fresh }))
      .then((facts) => set((s) => ({ byId: { ...s.byId, ...facts } })))
      .catch(() => {})
  },
}))
