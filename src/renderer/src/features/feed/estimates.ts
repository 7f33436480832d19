import { create } from 'zustand'
import { api, call } from '../../api'

// How long a running take usually needs, learnt by main from earlier tasks like it: asked once
// per job (tasks.get), kept for as long as the page lives.

export interface EstimatesState {
  /** Seconds, or null where main has no earlier task to learn from. */
  byId: Record<string, number | null>
  asked: Record<string, true>
  want(id: string): void
}

export const useEstimates = create<EstimatesState>((set, get) => ({
  byId: {},
  asked: {},
  want(id) {
    if (get().asked[id]) return
    set((s) => ({ asked: { ...s.asked, [id]: true } }))
    void call(api().tasks.get({ id }))
      .then((d) => set((s) => ({ byId: { ...s.byId, [id]: d.estimateSeconds } })))
      .catch(() => {})
  },
}))
