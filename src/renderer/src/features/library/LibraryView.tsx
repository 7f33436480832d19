import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react'
import { ASPECT_RATIOS, MODEL_CATALOGUE, type AnyRequest } from '../../../../shared/kling'
import type { Job, JobQuery, JobState } from '../../../../shared/jobs'
import { api, call } from '../../api'
import { useT, type Translate } from '../../i18n'
import { useApp } from '../../stores/app'
import { useJobs } from '../../stores/jobs'
import { noticeFrom } from '../../ui/errors'
import { PlayerDialog } from './PlayerDialog'

const CARD_WIDTH = 248
const ROW_HEIGHT = 232
const OVERSCAN_ROWS = 2
/** How long the grid must stand still before cards that scrolled in start loading their video. */
const SETTLE_MS = 150
const DAY = 86_400_000
const LINK_LIFETIME_DAYS = 30

export function mediaUrl(base: string, job: Job): string {
  return `${base}${encodeURIComponent(job.id)}`
}

/** Days left before an unsaved result's link lapses (null when saved or not a success). */
export function daysLeft(job: Job, now: number): number | null {
  if (job.saved || job.taskStatus !== 'succeed' || job.finishedAt === null) return null
  return Math.max(0, Math.ceil((job.finishedAt + LINK_LIFETIME_DAYS * DAY - now) / DAY))
}

/** "Link expires in N days", in the person's words (and "1 day"). */
export function expiryText(t: Translate, days: number): string {
  return days === 1 ? t('library.expiresOne') : t('library.expires', { days })
}

function startDrag(event: React.DragEvent, job: Job): void {
  // The OS drag carries the file itself, so editors take it like a file from the desktop.
  event.preventDefault()
  void api().library.startDrag({ id: job.id })
}

const Card = memo(function Card({
  job,
  mediaBase,
  onOpen,
  scrolling,
}: {
  job: Job
  mediaBase: string
  onOpen: (id: string) => void
  /** A card that appears mid-scroll waits for the grid to settle before it loads its video. */
  scrolling: boolean
}): React.JSX.Element {
  const t = useT()
  const video = useRef<HTMLVideoElement>(null)
  const [now] = useState(() => Date.now())
  // Once shown, a video stays: a card never goes back to its placeholder.
  const [armed, setArmed] = useState(!scrolling)
  if (!scrolling && !armed) setArmed(true)
  const left = daysLeft(job, now)
  return (
    <div className="card-cell">
      <button
        type="button"
        className="video-card"
        draggable={job.saved}
        onDragStart={(e) => startDrag(e, job)}
        onClick={() => onOpen(job.id)}
        onMouseEnter={() => void video.current?.play().catch(() => {})}
        onMouseLeave={() => {
          if (video.current) {
            video.current.pause()
            video.current.currentTime = 0.5
          }
        }}
        // The name carries the badges too: an aria-label replaces the content it would read.
        aria-label={[
          t('library.play', { prompt: job.request.prompt ?? '' }),
          job.favourite ? t('library.favourite') : null,
          job.sandbox ? t('library.sandbox') : null,
          left === null ? null : expiryText(t, left),
          job.state === 'expired' ? t('library.expired') : null,
          job.state === 'failed' ? t('state.failed') : null,
        ]
          .filter(Boolean)
          .join(', ')}
      >
        <span
          className="poster"
          style={{
            aspectRatio: ((job.request as AnyRequest).aspect_ratio ?? '16:9').replace(':', ' / '),
          }}
        >
          {job.saved && armed ? (
            <video
              ref={video}
              src={`${mediaUrl(mediaBase, job)}#t=0.5`}
              preload="metadata"
              muted
              loop
              playsInline
              tabIndex={-1}
            />
          ) : job.saved ? (
            <span className="poster-empty" />
          ) : (
            <span className="poster-empty">{t(`state.${job.state}`)}</span>
          )}
        </span>
        <span className="card-text">{job.request.prompt}</span>
        <span className="card-badges">
          {job.favourite && <span className="badge fav">★</span>}
          {job.sandbox && <span className="badge sandbox">{t('library.sandbox')}</span>}
          {left !== null && <span className="badge warn">{expiryText(t, left)}</span>}
          {job.state === 'expired' && <span className="badge">{t('library.expired')}</span>}
          {job.state === 'failed' && <span className="badge error">{t('state.failed')}</span>}
        </span>
      </button>
    </div>
  )
})

/** Only the rows in view are in the DOM, so ten thousand videos scroll like ten. */
export function VirtualGrid({ onOpen }: { onOpen: (id: string) => void }): React.JSX.Element {
  const ids = useJobs((s) => s.ids)
  const total = useJobs((s) => s.total)
  const byId = useJobs((s) => s.byId)
  const ensureRange = useJobs((s) => s.ensureRange)
  const mediaBase = useApp((s) => s.info?.mediaBase ?? 'media://video/')
  const scroller = useRef<HTMLDivElement>(null)
  const [view, setView] = useState({ top: 0, height: 800, width: 1000 })
  const [scrolling, setScrolling] = useState(false)
  const settle = useRef<ReturnType<typeof setTimeout> | null>(null)
  useEffect(() => () => clearTimeout(settle.current ?? undefined), [])

  useLayoutEffect(() => {
    const el = scroller.current
    if (!el) return
    const measure = () =>
      setView({ top: el.scrollTop, height: el.clientHeight, width: el.clientWidth })
    measure()
    const observer = new ResizeObserver(measure)
    observer.observe(el)
    return () => observer.disconnect()
  }, [])

  const columns = Math.max(1, Math.floor(view.width / CARD_WIDTH))
  const rows = Math.ceil(total / columns)
  const firstRow = Math.max(0, Math.floor(view.top / ROW_HEIGHT) - OVERSCAN_ROWS)
  const lastRow = Math.min(
    rows - 1,
    Math.ceil((view.top + view.height) / ROW_HEIGHT) + OVERSCAN_ROWS,
  )
  const first = firstRow * columns
  const last = Math.min(total - 1, (lastRow + 1) * columns - 1)

  useEffect(() => {
    if (total > 0) void ensureRange(first, last)
  }, [first, last, total, ensureRange])

  const cells: React.JSX.Element[] = []
  for (let i = first; i <= last; i++) {
    const id = ids[i]
    const job = id ? byId[id] : undefined
    const style = {
      top: Math.floor(i / columns) * ROW_HEIGHT,
      left: (i % columns) * CARD_WIDTH,
      width: CARD_WIDTH,
      height: ROW_HEIGHT,
    }
    cells.push(
      <div key={id ?? `slot-${i}`} className="grid-slot" style={style} role="listitem">
        {job ? (
          <Card job={job} mediaBase={mediaBase} onOpen={onOpen} scrolling={scrolling} />
        ) : (
          <div className="card-placeholder" />
        )}
      </div>,
    )
  }
  return (
    <div
      ref={scroller}
      tabIndex={-1}
      className="grid-scroller"
      onScroll={(e) => {
        const top = e.currentTarget.scrollTop
        setView((v) => ({ ...v, top }))
        setScrolling(true)
        clearTimeout(settle.current ?? undefined)
        settle.current = setTimeout(() => setScrolling(false), SETTLE_MS)
      }}
      data-testid="library-grid"
    >
      <div className="grid-canvas" role="list" style={{ height: rows * ROW_HEIGHT }}>
        {cells}
      </div>
    </div>
  )
}

export function LibraryView(): React.JSX.Element {
  const t = useT()
  const total = useJobs((s) => s.total)
  const query = useJobs((s) => s.query)
  const setQuery = useJobs((s) => s.setQuery)
  const selected = useApp((s) => s.selected)
  const notify = useApp((s) => s.notify)
  const [search, setSearch] = useState(query.search ?? '')
  const [status, setStatus] = useState<JobState | ''>('')
  const [model, setModel] = useState('')
  const [aspect, setAspect] = useState('')
  const [since, setSince] = useState<'' | 'day' | 'week' | 'month'>('')
  const [favourites, setFavourites] = useState(false)

  useEffect(() => {
    const timer = setTimeout(() => {
      const q: JobQuery = {}
      if (search.trim()) q.search = search.trim()
      if (status) q.states = [status]
      if (model) q.model = model
      if (aspect) q.aspectRatio = aspect
      // Today means since midnight here; the others count whole days back.
      if (since === 'day') q.since = new Date().setHours(0, 0, 0, 0)
      else if (since) q.since = Date.now() - (since === 'week' ? 7 : 30) * DAY
      if (favourites) q.favourite = true
      void setQuery(q).catch((e: unknown) => notify(noticeFrom(e)))
    }, 200)
    return () => clearTimeout(timer)
  }, [search, status, model, aspect, since, favourites, setQuery, notify])

  const open = useCallback((id: string) => useApp.getState().set({ selected: id }), [])
  const filtered = Object.keys(query).length > 0

  return (
    <section className="library" aria-labelledby="library-title">
      <div className="view-head">
        <h1 id="library-title" tabIndex={-1}>
          {t('library.title')}
        </h1>
        <p className="muted" aria-live="polite">
          {total === 1 ? t('library.countOne') : t('library.count', { n: total })}
        </p>
        <button
          type="button"
          className="ghost"
          onClick={() =>
            void call(api().library.rescan())
              .then(async (found) => {
                await setQuery(query, true)
                notify({ kind: 'info', text: t('library.rescanned', found) })
              })
              .catch((e: unknown) => notify(noticeFrom(e)))
          }
        >
          {t('library.rescan')}
        </button>
      </div>
      <div className="filters">
        <label className="search">
          <span className="sr-only">{t('library.search')}</span>
          <input
            type="search"
            placeholder={t('library.search')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </label>
        <label>
          {t('library.filterStatus')}
          <select value={status} onChange={(e) => setStatus(e.target.value as JobState | '')}>
            <option value="">{t('library.any')}</option>
            {(['done', 'failed', 'expired', 'processing'] as const).map((s) => (
              <option key={s} value={s}>
                {t(`state.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('library.filterModel')}
          <select value={model} onChange={(e) => setModel(e.target.value)}>
            <option value="">{t('library.any')}</option>
            {MODEL_CATALOGUE.map((m) => (
              <option key={m.name} value={m.name}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('library.filterAspect')}
          <select value={aspect} onChange={(e) => setAspect(e.target.value)}>
            <option value="">{t('library.any')}</option>
            {ASPECT_RATIOS.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('library.filterDate')}
          <select value={since} onChange={(e) => setSince(e.target.value as typeof since)}>
            <option value="">{t('library.any')}</option>
            <option value="day">{t('library.today')}</option>
            <option value="week">{t('library.week')}</option>
            <option value="month">{t('library.month')}</option>
          </select>
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={favourites}
            onChange={(e) => setFavourites(e.target.checked)}
          />{' '}
          {t('library.favourites')}
        </label>
      </div>
      {total === 0 ? (
        <p className="empty">{t(filtered ? 'library.noMatch' : 'library.empty')}</p>
      ) : (
        <VirtualGrid onOpen={open} />
      )}
      {selected && (
        <PlayerDialog id={selected} onClose={() => useApp.getState().set({ selected: null })} />
      )}
    </section>
  )
}
