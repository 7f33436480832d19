import { create } from 'zustand'
import type { AppInfo, KeyStatus, QueueStats } from '../../../shared/contract'
import type { Text2VideoRequest } from '../../../shared/kling'
import type { Settings } from '../../../shared/settings'

// What the whole page shares: where main is (info, settings, key, queue) and where the person is.

export type View = 'compose' | 'queue' | 'library' | 'spend' | 'settings'

export interface Notice {
  kind: 'info' | 'error'
  text: string
  requestId?: string
  /** Main's error code: the bar leads with it in the person's language, `text` as the detail. */
  code?: string
}

export interface AppState {
  ready: boolean
  info: AppInfo | null
  settings: Settings | null
  key: KeyStatus | null
  queue: QueueStats | null
  view: View
  /** The job whose details are open in the library. */
  selected: string | null
  /** A request to load into the compose form (Edit and retry, Edit and generate). */
  draft: Partial<Text2VideoRequest> | null
  notice: Notice | null
  set(patch: Partial<AppState>): void
  go(view: View): void
  notify(notice: Notice | null): void
}

export const useApp = create<AppState>((set) => ({
  ready: false,
  info: null,
  settings: null,
  key: null,
  queue: null,
  view: 'compose',
  selected: null,
  draft: null,
  notice: null,
  set: (patch) => set(patch),
  go: (view) => set({ view }),
  notify: (notice) => set({ notice }),
}))
