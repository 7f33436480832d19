import { useCallback, useState } from 'react'
import { useLanguage, useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { useJobs } from '../../stores/jobs'
import { useGridFocus, useTileEvents, type TileMenuAt } from './grid-focus'
import { HEADER, useGridLayout, useKeepInView, useLoadInView, useScroller } from './grid-hooks'
import { gridKey } from './grid-keys'
import { groupLabel } from './groups'
import { boxOf, rangeIn, type Layout } from './layout'
import { Menu } from './Menu'
import { useSelection } from './selection'
import { Tile, type TileEvents } from './Tile'
import { tileMenu } from './tile-menu'

// The library's tiles. Only those in view (and a margin) are in the DOM, so ten thousand videos
// scroll like ten; the layout is arithmetic over the loaded pages (see layout.ts). The keyboard
// moves through it with the arrows, Space selects, Enter opens; a right click opens a tile's menu.

export const DEFAULT_TILE_SIZE = 200
const OVERSCAN_PX = 400

/** The slots of the positions given: a tile where its job is loaded, a placeholder elsewhere. */
function Slots({
  positions,
  layout,
  focus,
  scrolling,
  events,
}: {
  positions: number[]
  layout: Layout
  focus: number
  scrolling: boolean
  events: TileEvents
}): React.JSX.Element[] {
  const ids = useJobs((s) => s.ids)
  const total = useJobs((s) => s.total)
  const byId = useJobs((s) => s.byId)
  const facts = useJobs((s) => s.facts)
  const oldest = useJobs((s) => s.sort === 'oldest' && !s.totalIsEstimate)
  const selected = useSelection((s) => s.ids)
  const mediaBase = useApp((s) => s.info?.mediaBase ?? 'media://video/')
  const posterBase = useApp((s) => s.info?.posterBase ?? 'media://poster/')
  return positions.flatMap((p) => {
    const box = boxOf(layout, p)
    if (!box) return []
    const id = ids[oldest ? total - 1 - p : p]
    const job = id === undefined ? undefined : byId[id]
    return [
      <div
        key={id ?? `slot-${p}`}
        className="grid-slot"
        style={{ top: box.y, left: box.x, width: box.w, height: box.h }}
        role="listitem"
      >
        {job ? (
          <Tile
            job={job}
            position={p}
            facts={facts[job.id]}
            posterHeight={box.posterHeight}
            mediaBase={mediaBase}
            posterBase={posterBase}
            scrolling={scrolling}
            selected={selected[job.id] === true}
            focused={p === focus}
            events={events}
          />
        ) : (
          <div className="card-placeholder" />
        )}
      </div>,
    ]
  })
}

/** The grid's keys: arrows move, Space selects, Enter opens, the menu key opens a tile's menu. */
function useGridKeyDown(o: {
  scroller: React.RefObject<HTMLDivElement | null>
  focus: number
  layout: Layout
  moveTo(position: number): void
  setMenu(menu: TileMenuAt): void
}): (e: React.KeyboardEvent<HTMLDivElement>) => void {
  const total = useJobs((s) => s.total)
  return (e) => {
    // The tile the key was pressed on, else the one the keyboard was last on.
    const on = (e.target as HTMLElement).closest<HTMLElement>('[data-position]')?.dataset.position
    const handled = gridKey(e, {
      focus: on === undefined ? o.focus : Number(on),
      total,
      layout: o.layout,
      moveTo: o.moveTo,
      openMenu: (position) => {
        const r = o.scroller.current
          ?.querySelector(`[data-position="${position}"]`)
          ?.getBoundingClientRect()
        o.setMenu({ position, at: { x: r ? r.left + 16 : 0, y: r ? r.top + 16 : 0 } })
      },
    })
    if (handled) e.preventDefault()
  }
}

/** The positions in the DOM: those in view, and the keyboard's tile wherever it is. */
function positionsOf(first: number, last: number, focus: number): number[] {
  const positions: number[] = []
  for (let p = first; p <= last; p++) positions.push(p)
  // The keyboard's tile stays in the DOM even when scrolled away, so Tab still finds the grid.
  if (focus < first || focus > last) positions.push(focus)
  return positions
}

/** The date headers between these heights. */
function Headers({ layout, top, bottom }: { layout: Layout; top: number; bottom: number }) {
  const t = useT()
  const language = useLanguage((s) => s.language)
  return layout.headers
    .filter((h) => h.y + HEADER >= top && h.y <= bottom)
    .map((h) => (
      <h2 key={h.group} className="grid-header" style={{ top: h.y, height: HEADER }}>
        {groupLabel(h.group, t, language)}
      </h2>
    ))
}

/** The right-click (or menu key) menu of the tile at a position, while it is loaded. */
function TileMenu({ menu, onClose }: { menu: TileMenuAt; onClose(): void }) {
  const t = useT()
  const job = useJobs((s) => {
    const id = s.idAt(menu.position)
    return id === undefined ? undefined : s.byId[id]
  })
  if (!job) return null
  return (
    <Menu label={t('browse.menu.label')} items={tileMenu(job, t)} at={menu.at} onClose={onClose} />
  )
}

export function VirtualGrid({
  onOpen,
  tileSize = DEFAULT_TILE_SIZE,
}: {
  onOpen: (id: string) => void
  tileSize?: number
}): React.JSX.Element {
  const t = useT()
  const { scroller, view, scrolling, onScroll } = useScroller()
  const layout = useGridLayout(view.width, tileSize)
  const noteTop = useKeepInView(scroller, layout)
  const { focus, setFocus, moveTo } = useGridFocus(scroller, layout, view)
  const [menu, setMenu] = useState<TileMenuAt | null>(null)
  const closeMenu = useCallback(() => setMenu(null), [])
  const events = useTileEvents(onOpen, setFocus, setMenu)
  const onKeyDown = useGridKeyDown({ scroller, focus, layout, moveTo, setMenu })

  const top = view.top - OVERSCAN_PX
  const bottom = view.top + view.height + OVERSCAN_PX
  const range = rangeIn(layout, top, bottom)
  const first = range?.first ?? 0
  const last = range?.last ?? -1
  useLoadInView(first, last, scrolling)

  return (
    <>
      <div
        ref={scroller}
        tabIndex={-1}
        className="grid-scroller"
        onKeyDown={onKeyDown}
        onKeyUp={(e) => e.key === ' ' && e.preventDefault()}
        onScroll={(e) => {
          noteTop(e.currentTarget.scrollTop)
          onScroll(e.currentTarget.scrollTop)
        }}
        data-testid="library-grid"
      >
        <div className="grid-canvas" style={{ height: layout.height }}>
          <Headers layout={layout} top={top} bottom={bottom} />
          <div role="list" className="grid-list" aria-label={t('browse.videos')}>
            <Slots
              positions={positionsOf(first, last, focus)}
              layout={layout}
              focus={focus}
              scrolling={scrolling}
              events={events}
            />
          </div>
        </div>
      </div>
      {menu && <TileMenu menu={menu} onClose={closeMenu} />}
    </>
  )
}
