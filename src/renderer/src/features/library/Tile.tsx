import { memo, useRef, useState } from 'react'
import type { MediaFacts } from '../../../../shared/contract'
import type { Job } from '../../../../shared/jobs'
import { useLanguage, useT, type Translate } from '../../i18n'
import { startDrag } from './actions'
import { clockText, daysLeft, expiryText, mediaUrl, resolutionText, secondsOf } from './media'
import { usePosters } from './posters'

// One video of the library: its poster frame in the clip's own shape (a preview plays on hover),
// its length, size and date, a checkbox to select it and a handle to drag it into an editor.

export interface TileEvents {
  /** A click: opens, or with Ctrl/Cmd toggles, with Shift selects up to it. */
  onActivate(position: number, e: { ctrl: boolean; shift: boolean }): void
  onToggle(position: number, shift: boolean): void
  onMenu(position: number, at: { x: number; y: number }): void
  onFocus(position: number): void
}

const dateFormats = new Map<string, Intl.DateTimeFormat>()
function shortDate(ms: number, language: string, now: number): string {
  const sameYear = new Date(ms).getFullYear() === new Date(now).getFullYear()
  const key = `${language}:${sameYear}`
  let f = dateFormats.get(key)
  if (!f) {
    f = new Intl.DateTimeFormat(language, {
      day: 'numeric',
      month: 'short',
      year: sameYear ? undefined : 'numeric',
    })
    dateFormats.set(key, f)
  }
  return f.format(ms)
}

function Poster({
  job,
  mediaBase,
  posterBase,
  armed,
  video,
}: {
  job: Job
  mediaBase: string
  posterBase: string
  armed: boolean
  video: React.RefObject<HTMLVideoElement | null>
}): React.JSX.Element {
  const t = useT()
  const taken = usePosters((s) => s.taken[job.id])
  const failed = usePosters((s) => s.failed[job.id])
  const [playing, setPlaying] = useState(false)
  if (!job.saved) return <span className="poster-empty">{t(`state.${job.state}`)}</span>
  if (!armed) return <span className="poster-empty" />
  const src = mediaUrl(mediaBase, job)
  return (
    <>
      {failed && !taken ? (
        <span className="poster-empty">{t('browse.noPreview')}</span>
      ) : (
        <img
          className="poster-img"
          src={taken ?? mediaUrl(posterBase, job)}
          alt=""
          draggable={false}
          decoding="async"
          // No poster from main (no ffmpeg here): the window takes the frame itself.
          onError={() => usePosters.getState().request(job.id, src)}
        />
      )}
      <video
        ref={video}
        className={playing ? 'preview playing' : 'preview'}
        src={`${src}#t=0.5`}
        preload="none"
        muted
        loop
        playsInline
        tabIndex={-1}
        onPlaying={() => setPlaying(true)}
        onPause={() => setPlaying(false)}
      />
    </>
  )
}

/**
 * What the tile's name says after its prompt: the badges, which are pictures on the poster (the
 * name is the tile's own text, so what it shows and what a screen reader says stay the same).
 */
function badgeWords(job: Job, t: Translate, left: number | null): string[] {
  return [
    job.favourite ? t('library.favourite') : null,
    job.sandbox ? t('library.sandbox') : null,
    left === null ? null : expiryText(t, left),
    job.state === 'expired' ? t('library.expired') : null,
    job.state === 'failed' ? t('state.failed') : null,
  ].filter((w): w is string => w !== null)
}

function Badges({ job, left }: { job: Job; left: number | null }): React.JSX.Element {
  const t = useT()
  return (
    <span className="card-badges">
      {job.favourite && <span className="badge fav">★</span>}
      {job.sandbox && <span className="badge sandbox">{t('library.sandbox')}</span>}
      {left !== null && <span className="badge warn">{expiryText(t, left)}</span>}
      {job.state === 'expired' && <span className="badge">{t('library.expired')}</span>}
      {job.state === 'failed' && <span className="badge error">{t('state.failed')}</span>}
    </span>
  )
}

/** For the pointer, and says what a drag does (the keyboard has no drag: Export instead). */
function DragHandle({ id }: { id: string }): React.JSX.Element {
  const t = useT()
  return (
    <span
      className="lib-tile-drag"
      draggable
      aria-hidden="true"
      title={t('library.drag')}
      onDragStart={(e) => startDrag(e, id)}
    >
      <span className="grip">⠿</span>
      <span className="lib-tile-drag-text">{t('browse.dragShort')}</span>
    </span>
  )
}

export const Tile = memo(function Tile({
  job,
  position,
  facts,
  posterHeight,
  mediaBase,
  posterBase,
  scrolling,
  selected,
  focused,
  events,
}: {
  job: Job
  position: number
  facts: MediaFacts | undefined
  posterHeight: number
  mediaBase: string
  posterBase: string
  /** A tile that appears mid-scroll waits for the grid to settle before it loads its poster. */
  scrolling: boolean
  selected: boolean
  /** The tile the keyboard is on: the one the grid's Tab stop leads to. */
  focused: boolean
  events: TileEvents
}): React.JSX.Element {
  const t = useT()
  const language = useLanguage((s) => s.language)
  const video = useRef<HTMLVideoElement>(null)
  const [now] = useState(() => Date.now())
  // Once shown, a poster stays: a tile never goes back to its placeholder.
  const [armed, setArmed] = useState(!scrolling)
  if (!scrolling && !armed) setArmed(true)
  const left = daysLeft(job, now)
  const prompt = job.request.prompt ?? ''
  const seconds = secondsOf(job, facts)
  const resolution = resolutionText(facts)
  const words = badgeWords(job, t, left)
  return (
    <div className={selected ? 'lib-tile selected' : 'lib-tile'}>
      <button
        type="button"
        className="video-card lib-tile-play"
        data-position={position}
        tabIndex={focused ? 0 : -1}
        draggable={job.saved}
        onDragStart={(e) => startDrag(e, job.id)}
        onFocus={() => events.onFocus(position)}
        onClick={(e) =>
          events.onActivate(position, { ctrl: e.ctrlKey || e.metaKey, shift: e.shiftKey })
        }
        onContextMenu={(e) => {
          e.preventDefault()
          events.onMenu(position, { x: e.clientX, y: e.clientY })
        }}
        onMouseEnter={() => void video.current?.play().catch(() => {})}
        onMouseLeave={() => {
          if (video.current) {
            video.current.pause()
            video.current.currentTime = 0.5
          }
        }}
      >
        <span className="poster" style={{ height: posterHeight }} aria-hidden="true">
          <Poster
            job={job}
            mediaBase={mediaBase}
            posterBase={posterBase}
            armed={armed}
            video={video}
          />
          {seconds !== null && <span className="lib-tile-length">{clockText(seconds)}</span>}
          <Badges job={job} left={left} />
        </span>
        <span className="card-text">
          <span className="sr-only">{t('library.play', { prompt: '' })}</span>
          {prompt}
        </span>
        {words.length > 0 && <span className="sr-only">, {words.join(', ')}</span>}
        <span className="lib-tile-facts">
          {seconds !== null && <span className="sr-only">, {clockText(seconds)}</span>}
          <span className="sr-only">, </span>
          {[resolution, shortDate(job.createdAt, language, now)].filter(Boolean).join(' · ')}
        </span>
      </button>
      <input
        type="checkbox"
        className="lib-tile-check"
        tabIndex={-1}
        checked={selected}
        aria-label={t('browse.select', { prompt })}
        onClick={(e) => events.onToggle(position, e.shiftKey)}
        onChange={() => {}}
      />
      {job.saved && <DragHandle id={job.id} />}
    </div>
  )
})
