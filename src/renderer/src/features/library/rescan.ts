import { create } from 'zustand'
import type { RescanResult } from '../../../../shared/contract'
import { api, call } from '../../api'
import { translate, useLanguage } from '../../i18n'
import { useApp } from '../../stores/app'
import { useJobs } from '../../stores/jobs'
import { noticeFrom } from '../../ui/errors'

// The library rescan, as the Library's button and the app menu's File > Rescan Library both run
// it: main walks the folder, the Library's page is read again, a notice gives the counts, and what
// was left out stays listed under the Library's title (RescanReport) until dismissed.

interface RescanState {
  /** The last rescan's result while its report is up. */
  report: RescanResult | null
  dismiss(): void
}

export const useRescan = create<RescanState>((set) => ({
  report: null,
  dismiss: () => set({ report: null }),
}))

/** The counts as one sentence, saying how many sidecars were left out, if any. */
export function rescanned(language: Parameters<typeof translate>[0], r: RescanResult): string {
  const counts = { found: r.found, added: r.added, missing: r.missing, n: r.skippedCount }
  if (r.skippedCount === 0) return translate(language, 'library.rescanned', counts)
  return translate(language, r.skippedCount === 1 ? 'rescan.skippedOne' : 'rescan.skipped', counts)
}

/** Runs one rescan; a failure becomes a notice with its reason. */
export async function rescanLibrary(): Promise<void> {
  const { notify } = useApp.getState()
  try {
    const result = await call(api().library.rescan())
    useRescan.setState({ report: result })
    await useJobs.getState().setQuery(useJobs.getState().query, true)
    notify({ kind: 'info', text: rescanned(useLanguage.getState().language, result) })
  } catch (error) {
    notify(noticeFrom(error))
  }
}
