// Poster frames for the tiles. Main makes a JPEG of each saved video once and serves it at
// posterBase + id; where it cannot (no ffmpeg on this machine, it answers 404), the window takes
// the frame itself: a hidden video at 0.5 s drawn on a canvas, shown at once from memory and
// handed to main, which keeps it; from then on the tile loads it from main like any other poster
// and the copy in memory is let go. A few at a time, newest asks first, so a page of tiles does
// not open fifty decoders; a tile that leaves the view takes its place in the queue with it.
// Frames main cannot keep stay in memory for the session, at most TAKEN_MAX (the oldest go).
// Everything here is per version of the file (the job's updatedAt): a file saved again is
// captured again, a failed capture may be tried again, and its poster URL is a new one.

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

/** Frames kept in memory at most: a session where main keeps none stays bounded. */
export const TAKEN_MAX = 200

/** Which version of a job's file a poster is of: a file saved again is another one. */
export const posterVersion = (job: { updatedAt: number }): string => String(job.updatedAt)

export interface Taken {
  dataUrl: string
  version: string
  /** When it was taken, in takes: the smallest goes first once TAKEN_MAX are held. */
  order: number
}

interface PostersState {
  /** Posters the window took that main does not keep (yet), by job id. */
  taken: Record<string, Taken>
  /** Posters the window took and main now keeps (the version kept): reloaded from main. */
  kept: Record<string, string>
  /** Jobs whose frame could not be taken either (the version that failed): a placeholder. */
  failed: Record<string, string>
  capturer: Capturer
  /** Main had no poster for this version of the job: take one (once), keep it in main, show it. */
  request(id: string, videoUrl: string, version: string): void
  /** The tile left the view: a capture not started yet is not wanted any more. */
  cancel(id: string): void
}

interface Wanted {
  id: string
  url: string
  version: string
}

const waiting: Wanted[] = []
/** Ids waiting or being taken. */
const pending = new Set<string>()
let running = 0
let takes = 0

/** The frames held with this one added: past TAKEN_MAX, the ones taken longest ago go. */
export function withTaken(
  taken: Record<string, Taken>,
  id: string,
  frame: Omit<Taken, 'order'>,
): Record<string, Taken> {
  const next = { ...taken, [id]: { ...frame, order: ++takes } }
  const ids = Object.keys(next)
  if (ids.length <= TAKEN_MAX) return next
  ids.sort((a, b) => next[a]!.order - next[b]!.order)
  for (const old of ids.slice(0, ids.length - TAKEN_MAX)) delete next[old]
  return next
}

/** Main keeps the poster now: the data URL goes, the tile loads main's file. */
function keep(id: string, version: string): void {
  usePosters.setState((s) => {
    const { [id]: _dropped, ...taken } = s.taken
    return { taken, kept: { ...s.kept, [id]: version } }
  })
}

function take(next: Wanted): Promise<void> {
  const { capturer } = usePosters.getState()
  const { id, version } = next
  return capturer(next.url)
    .then(async (frame) => {
      usePosters.setState((s) => ({
        taken: withTaken(s.taken, id, { dataUrl: frame.dataUrl, version }),
      }))
      // If main cannot keep it, this session still shows it from memory.
      await call(api().library.setPoster({ id, bytes: frame.bytes })).then(
        () => keep(id, version),
        () => {},
      )
    })
    .catch(() => usePosters.setState((s) => ({ failed: { ...s.failed, [id]: version } })))
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
export function posterSrc(
  posterUrl: string,
  taken: string | undefined,
  kept: boolean,
  version: string,
): string {
  const v = `v=${encodeURIComponent(version)}`
  return taken ?? (kept ? `${posterUrl}?kept&${v}` : `${posterUrl}?${v}`)
}

/** The frame in memory for this version of the job, if any. */
export const takenFor = (s: PostersState, id: string, version: string): string | undefined =>
  s.taken[id]?.version === version ? s.taken[id].dataUrl : undefined

export const usePosters = create<PostersState>((set, get) => ({
  taken: {},
  kept: {},
  failed: {},
  capturer: captureInWindow,
  request(id, videoUrl, version) {
    const s = get()
    if (takenFor(s, id, version) || s.failed[id] === version || pending.has(id)) return
    // Main said it kept one and cannot show it after all: no second capture, the placeholder.
    if (s.kept[id] === version) return set({ failed: { ...s.failed, [id]: version } })
    pending.add(id)
    waiting.push({ id, url: videoUrl, version })
    pump()
  },
  cancel(id) {
    const at = waiting.findIndex((w) => w.id === id)
    if (at < 0) return // not waiting: being taken (it finishes) or not asked for
    waiting.splice(at, 1)
    pending.delete(id)
  },
}))
