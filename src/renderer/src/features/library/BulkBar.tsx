import { useState } from 'react'
import { useT } from '../../i18n'
import { useJobs } from '../../stores/jobs'
import { exportVideos, toggleFavourites, trash } from './actions'
import { useSelection } from './selection'

// What can be done to every selected video at once: favourite, export, move to the trash. Each
// runs once at a time (a second click while one runs does nothing). A delete takes out of the
// selection only the videos it deleted.

export function BulkBar(): React.JSX.Element | null {
  const t = useT()
  const chosen = useSelection((s) => s.ids)
  const byId = useJobs((s) => s.byId)
  const [busy, setBusy] = useState(false)
  // Videos removed meanwhile (here or by main) are no longer part of the selection.
  const ids = Object.keys(chosen).filter((id) => byId[id])
  if (ids.length === 0) return null
  const allFavourite = ids.every((id) => byId[id]?.favourite)
  const run = (fn: () => Promise<unknown>) => () => {
    if (busy) return
    setBusy(true)
    void fn().finally(() => setBusy(false))
  }
  return (
    <div className="bulk-bar" role="toolbar" aria-label={t('browse.bulk')}>
      <span className="bulk-count" aria-live="polite">
        {ids.length === 1 ? t('browse.selectedOne') : t('browse.selected', { n: ids.length })}
      </span>
      <button type="button" disabled={busy} onClick={run(() => toggleFavourites(ids, t))}>
        {allFavourite ? t('library.unfavourite') : t('library.favourite')}
      </button>
      <button type="button" disabled={busy} onClick={run(() => exportVideos(ids, t))}>
        {t('browse.export')}
      </button>
      <button
        type="button"
        className="danger"
        disabled={busy}
        onClick={run(async () => {
          // Those main refused stay selected, to try again or act on otherwise.
          useSelection.getState().drop(await trash(ids, t))
        })}
      >
        {t('library.delete')}
      </button>
      <button type="button" className="ghost" onClick={() => useSelection.getState().clear()}>
        {t('browse.clearSelection')}
      </button>
    </div>
  )
}
