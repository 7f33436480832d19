import { memo, useEffect, useState } from 'react'
import type { MediaFacts } from '../../../../shared/contract'
import type { Job } from '../../../../shared/jobs'
import { useLanguage, useT, type Translate } from '../../i18n'
import { startDrag } from './actions'
import { clockText, daysLeft, expiryText, mediaUrl, resolutionText, secondsOf } from './media'
import { posterSrc, posterVersion, takenFor, usePosters } from './posters'

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
}: {
  job: Job
  mediaBase: string
  posterBase: string
  armed: boolean
}): React.JSX.Element {
  const t = useT()
  // Of this version of the file: one saved again is shown, or captured, anew.
  const version = posterVersion(job)
  const taken = usePosters((s) => takenFor(s, job.id, version))
  const kept = usePosters((s) => s.kept[job.id] === version)
  const failed = usePosters((s) => s.failed[job.id] === version)
  const [playing, setPlaying] = useState(false)
  // Scrolled out of view: a capture it asked for and that has not started is not wanted now.
  useEffect(() => () => usePosters.getState().cancel(job.id), [job.id])
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
          src={posterSrc(mediaUrl(posterBase, job), taken, kept, version)}
          alt=""
          draggable={false}
          decoding="async"
          // No poster from main (no ffmpeg here): the window takes the frame itself.
          onError={() => usePosters.getState().request(job.id, src, version)}
        />
      )}
      <video
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

/** What the tile says under its poster (and, for a screen reader, its badges and length). */
function TileCaption({
  job,
  facts,
  left,
  now,
}: {
  job: Job
  facts: MediaFacts | undefined
  left: number | null
  now: number
}): React.JSX.Element {
  const t = useT()
  const language = useLanguage((s) => s.language)
  const seconds = secondsOf(job, facts)
  const words = badgeWords(job, t, left)
  return (
    <>
      <span className="card-text">
        <span className="sr-only">{t('library.play', { prompt: '' })}</span>
        {job.request.prompt ?? ''}
      </span>
      {words.length > 0 && <span className="sr-only">, {words.join(', ')}</span>}
      <span className="lib-tile-facts">
        {seconds !== null && <span className="sr-only">, {clockText(seconds)}</span>}
        <span className="sr-only">, </span>
        {[resolutionText(facts), shortDate(job.createdAt, language, now)]
          .filter(Boolean)
          .join(' · ')}
      </span>
    </>
  )
}

/** The hover preview: plays from its start on the pointer, stops back there when it leaves. */
const previewOf = (e: React.MouseEvent<HTMLElement>) =>
  e.currentTarget.querySelector<HTMLVideoElement>('video.preview')
const playPreview = (e: React.MouseEvent<HTMLElement>) =>
  void previewOf(e)
    ?.play()
    .catch(() => {})
function stopPreview(e: React.MouseEvent<HTMLElement>): void {
  const video = previewOf(e)
  if (!video) return
  video.pause()
  video.currentTime = 0.5
}

export interface TileProps {
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
}

export const Tile = memo(function Tile(props: TileProps): React.JSX.Element {
  const { job, position, facts, selected, focused, events } = props
  const t = useT()
  const [now] = useState(() => Date.now())
  // Once shown, a poster stays: a tile never goes back to its placeholder.
  const [armed, setArmed] = useState(!props.scrolling)
  if (!props.scrolling && !armed) setArmed(true)
  const left = daysLeft(job, now)
  const seconds = secondsOf(job, facts)
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
        onMouseEnter={playPreview}
        onMouseLeave={stopPreview}
      >
        <span className="poster" style={{ height: props.posterHeight }} aria-hidden="true">
          <Poster
            job={job}
            mediaBase={props.mediaBase}
            posterBase={props.posterBase}
            armed={armed}
          />
          {seconds !== null && <span className="lib-tile-length">{clockText(seconds)}</span>}
          <Badges job={job} left={left} />
        </span>
        <TileCaption job={job} facts={facts} left={left} now={now} />
      </button>
      <input
        type="checkbox"
        className="lib-tile-check"
        tabIndex={-1}
        checked={selected}
        aria-label={t('browse.select', { prompt: job.request.prompt ?? '' })}
        onClick={(e) => events.onToggle(position, e.shiftKey)}
        onChange={() => {}}
      />
      {job.saved && <DragHandle id={job.id} />}
    </div>
  )
})
