import { useCallback, useEffect, useRef, useState } from 'react'
import { useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { useJobs, type LibrarySort } from '../../stores/jobs'
import { BulkBar } from './BulkBar'
import { LibraryFilters } from './LibraryFilters'
import { PlayerDialog } from './PlayerDialog'
import { RescanReport } from './RescanReport'
import { rescanLibrary, useRescan } from './rescan'
import { useSelection } from './selection'
import { typing } from './typing'
import { DEFAULT_TILE_SIZE, VirtualGrid } from './VirtualGrid'
import './library.css'

// The Library: every video made here, as a browser. Search and filters, order, tile size, date
// groups, selection with a bulk bar, and the player. `/` goes to the search box from anywhere in it.

export { daysLeft, expiryText, mediaUrl } from './media'
export { VirtualGrid } from './VirtualGrid'

const SIZE_KEY = 'kling.library.tileSize'
export const TILE_SIZES = { min: 120, max: 360, step: 20 } as const

function storedSize(): number {
  const n = Number(localStorage.getItem(SIZE_KEY))
  return Number.isFinite(n) && n >= TILE_SIZES.min && n <= TILE_SIZES.max ? n : DEFAULT_TILE_SIZE
}

/** The title, how many videos match, and the rescan (with what it left out). */
function LibraryHead(): React.JSX.Element {
  const t = useT()
  const total = useJobs((s) => s.total)
  const estimate = useJobs((s) => s.totalIsEstimate)
  const report = useRescan((s) => s.report)
  const dismiss = useRescan((s) => s.dismiss)
  const count =
    total === 1 && !estimate
      ? t('library.countOne')
      : t(estimate ? 'browse.countAtLeast' : 'library.count', { n: total })
  return (
    <>
      <div className="view-head">
        <h1 id="library-title" tabIndex={-1}>
          {t('library.title')}
        </h1>
        <p className="muted" aria-live="polite">
          {count}
        </p>
        <button type="button" className="ghost" onClick={() => void rescanLibrary()}>
          {t('library.rescan')}
        </button>
      </div>
      {report && <RescanReport result={report} onDismiss={dismiss} />}
    </>
  )
}

/** The order and the tile size. */
function LibraryTools({
  size,
  setSize,
}: {
  size: number
  setSize(n: number): void
}): React.JSX.Element {
  const t = useT()
  const estimate = useJobs((s) => s.totalIsEstimate)
  const sort = useJobs((s) => s.sort)
  return (
    <>
      <label>
        {t('browse.sort')}
        <select
          value={estimate ? 'newest' : sort}
          onChange={(e) => useJobs.getState().setSort(e.target.value as LibrarySort)}
          aria-describedby={estimate ? 'library-sort-note' : undefined}
        >
          <option value="newest">{t('browse.newest')}</option>
          <option value="oldest" disabled={estimate}>
            {t('browse.oldest')}
          </option>
        </select>
      </label>
      <label className="size">
        {t('browse.size')}
        <input
          type="range"
          min={TILE_SIZES.min}
          max={TILE_SIZES.max}
          step={TILE_SIZES.step}
          value={size}
          onChange={(e) => {
            const n = Number(e.target.value)
            setSize(n)
            localStorage.setItem(SIZE_KEY, String(n))
          }}
        />
      </label>
      {estimate && (
        <p id="library-sort-note" className="muted sort-note">
          {t('browse.oldestNeedsCount')}
        </p>
      )}
    </>
  )
}

export function LibraryView(): React.JSX.Element {
  const t = useT()
  const total = useJobs((s) => s.total)
  const query = useJobs((s) => s.query)
  const sort = useJobs((s) => s.sort)
  const selected = useApp((s) => s.selected)
  const search = useRef<HTMLInputElement>(null)
  const [size, setSize] = useState(storedSize)

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return
      if (document.querySelector('dialog[open]')) return
      e.preventDefault()
      search.current?.focus()
      search.current?.select()
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [])

  // Other results: what was selected among the old ones is no longer in view.
  useEffect(() => useSelection.getState().clear(), [query])

  const open = useCallback((id: string) => useApp.getState().set({ selected: id }), [])
  const filtered = Object.keys(query).length > 0

  return (
    <section className="library" aria-labelledby="library-title">
      <LibraryHead />
      <div className="filters">
        <LibraryFilters search={search} />
        <LibraryTools size={size} setSize={setSize} />
      </div>
      <BulkBar />
      {total === 0 ? (
        <p className="empty">{t(filtered ? 'library.noMatch' : 'library.empty')}</p>
      ) : (
        <VirtualGrid key={`${JSON.stringify(query)} ${sort}`} onOpen={open} tileSize={size} />
      )}
      {selected && (
        <PlayerDialog
          id={selected}
          onClose={() => useApp.getState().set({ selected: null })}
          onNavigate={open}
        />
      )}
    </section>
  )
}
