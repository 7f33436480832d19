// Poster frames for the tiles. Main makes a JPEG of each saved video once and serves it at
// posterBase + id; where it cannot (no ffmpeg on this machine, it answers 404), the window takes
// the frame itself: a hidden video at 0.5 s drawn on a canvas, shown at once from memory and
// handed to main, which keeps it; from then on the tile loads it from main like any other poster
// and the copy in memory is let go. A few at a time, newest asks first, so a page of tiles does
// not open fifty decoders; a tile that leaves the view takes its place in the queue with it.

import { create } from 'zustand'
import { api, call } from '../../api'
import {
  dataUrlOf,
  drawFrame,
  encodeCanvas,
  openVideo,
  releaseVideo,
  seekTo,
} from '../../ui/video-frame'

/** The time of the frame a poster shows. */
export const POSTER_AT = 0.5
/** The poster's long side, in pixels: enough for the largest tile. */
const POSTER_SIDE = 640
const AT_ONCE = 2

export interface Captured {
  /** The JPEG, to hand to main. */
  bytes: Uint8Array
  /** The same JPEG as a data URL, for the tile until main keeps it. */
  dataUrl: string
}

export type Capturer = (videoUrl: string) => Promise<Captured>

/** The frame at POSTER_AT (or the middle of a shorter clip) as a JPEG. */
export const captureInWindow: Capturer = async (videoUrl) => {
  const video = await openVideo(videoUrl, 'loadeddata')
  try {
    const end = Number.isFinite(video.duration) ? video.duration : POSTER_AT * 2
    await seekTo(video, Math.min(POSTER_AT, end / 2))
    const bytes = await encodeCanvas(drawFrame(video, POSTER_SIDE), 'image/jpeg', 0.8)
    return { bytes, dataUrl: dataUrlOf(bytes, 'image/jpeg') }
  } finally {
    releaseVideo(video)
  }
}

interface PostersState {
  /** Posters the window took that main does not keep (yet), by job id (data URLs). */
  taken: Record<string, string>
  /** Posters the window took and main now keeps: the tile reloads them from main. */
  kept: Record<string, true>
  /** Jobs whose frame could not be taken either: their tile shows its placeholder. */
  failed: Record<string, true>
  capturer: Capturer
  /** Main had no poster for this job: take one (once), keep it in main, show it. */
  request(id: string, videoUrl: string): void
  /** The tile left the view: a capture not started yet is not wanted any more. */
  cancel(id: string): void
}

const waiting: { id: string; url: string }[] = []
/** Ids waiting or being taken. */
const pending = new Set<string>()
let running = 0

/** Main keeps the poster now: the data URL goes, the tile loads main's file. */
function keep(id: string): void {
  usePosters.setState((s) => {
    const { [id]: _dropped, ...taken } = s.taken
    return { taken, kept: { ...s.kept, [id]: true } }
  })
}

function take(next: { id: string; url: string }): Promise<void> {
  const { capturer } = usePosters.getState()
  return capturer(next.url)
    .then(async (frame) => {
      usePosters.setState((s) => ({ taken: { ...s.taken, [next.id]: frame.dataUrl } }))
      // If main cannot keep it, this session still shows it from memory.
      await call(api().library.setPoster({ id: next.id, bytes: frame.bytes })).then(
        () => keep(next.id),
        () => {},
      )
    })
    .catch(() => usePosters.setState((s) => ({ failed: { ...s.failed, [next.id]: true } })))
}

function pump(): void {
  while (running < AT_ONCE && waiting.length > 0) {
    // Newest asks first: the tiles in view now, not the ones a fast scroll passed.
    const next = waiting.pop()!
    running++
    void take(next).finally(() => {
      running--
      pending.delete(next.id)
      pump()
    })
  }
}

/** Where a tile's poster is: the frame in memory, else main's (reloaded once main keeps one). */
export function posterSrc(posterUrl: string, taken: string | undefined, kept: boolean): string {
  return taken ?? (kept ? `${posterUrl}?kept` : posterUrl)
}

export const usePosters = create<PostersState>((set, get) => ({
  taken: {},
  kept: {},
  failed: {},
  capturer: captureInWindow,
  request(id, videoUrl) {
    const s = get()
    if (s.taken[id] || s.failed[id] || pending.has(id)) return
    // Main said it kept one and cannot show it after all: no second capture, the placeholder.
    if (s.kept[id]) return set({ failed: { ...s.failed, [id]: true } })
    pending.add(id)
    waiting.push({ id, url: videoUrl })
    pump()
  },
  cancel(id) {
    const at = waiting.findIndex((w) => w.id === id)
    if (at < 0) return // not waiting: being taken (it finishes) or not asked for
    waiting.splice(at, 1)
    pending.delete(id)
  },
}))
