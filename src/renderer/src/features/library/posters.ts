import { create } from 'zustand'
import { api, call } from '../../api'

// Poster frames for the tiles. Main makes a JPEG of each saved video once and serves it at
// posterBase + id; where it cannot (no ffmpeg on this machine, it answers 404), the window takes
// the frame itself: a hidden video at 0.5 s drawn on a canvas, kept by main for next time and
// shown at once from memory. A few at a time, so a page of tiles does not open fifty decoders.

/** The time of the frame a poster shows. */
export const POSTER_AT = 0.5
/** The poster's long side, in pixels: enough for the largest tile. */
const POSTER_SIDE = 640
const AT_ONCE = 2
/** A video that neither loads nor fails in this long is given up on (runtime, not a test). */
const GIVE_UP_MS = 20_000

export interface Captured {
  /** The JPEG, to hand to main. */
  bytes: Uint8Array
  /** The same JPEG as a data URL, for the tile (the page's images allow data:, not blob:). */
  dataUrl: string
}

export type Capturer = (videoUrl: string) => Promise<Captured>

function once(video: HTMLVideoElement, event: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (fn: () => void) => {
      clearTimeout(timer)
      video.removeEventListener(event, ok)
      video.removeEventListener('error', bad)
      fn()
    }
    const ok = () => done(resolve)
    const bad = () => done(() => reject(new Error('the video could not be read')))
    const timer = setTimeout(
      () => done(() => reject(new Error('the video took too long'))),
      GIVE_UP_MS,
    )
    video.addEventListener(event, ok)
    video.addEventListener('error', bad)
  })
}

function jpegOf(canvas: HTMLCanvasElement): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    canvas.toBlob(
      (blob) => {
        if (!blob) reject(new Error('the frame could not be encoded'))
        else blob.arrayBuffer().then((b) => resolve(new Uint8Array(b)), reject)
      },
      'image/jpeg',
      0.8,
    )
  })
}

function dataUrlOf(bytes: Uint8Array): string {
  let text = ''
  for (let i = 0; i < bytes.length; i += 0x8000)
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return `data:image/jpeg;base64,${btoa(text)}`
}

/** The frame at POSTER_AT (or the middle of a shorter clip) as a JPEG. */
export const captureInWindow: Capturer = async (videoUrl) => {
  const video = document.createElement('video')
  // Without CORS the canvas would be tainted and refuse to give its pixels.
  video.crossOrigin = 'anonymous'
  video.muted = true
  video.preload = 'auto'
  const loaded = once(video, 'loadeddata')
  video.src = videoUrl
  try {
    await loaded
    const end = Number.isFinite(video.duration) ? video.duration : POSTER_AT * 2
    const seeked = once(video, 'seeked')
    video.currentTime = Math.min(POSTER_AT, end / 2)
    await seeked
    const { videoWidth: w, videoHeight: h } = video
    if (w === 0 || h === 0) throw new Error('the video has no picture')
    const scale = Math.min(1, POSTER_SIDE / Math.max(w, h))
    const canvas = document.createElement('canvas')
    canvas.width = Math.round(w * scale)
    canvas.height = Math.round(h * scale)
    const g = canvas.getContext('2d')
    if (!g) throw new Error('no 2D canvas')
    g.drawImage(video, 0, 0, canvas.width, canvas.height)
    const bytes = await jpegOf(canvas)
    return { bytes, dataUrl: dataUrlOf(bytes) }
  } finally {
    video.removeAttribute('src')
    video.load()
  }
}

interface PostersState {
  /** Posters the window took this session, by job id (data URLs). */
  taken: Record<string, string>
  /** Jobs whose frame could not be taken either: their tile shows its placeholder. */
  failed: Record<string, true>
  capturer: Capturer
  /** Main had no poster for this job: take one (once), keep it in main, show it. */
  request(id: string, videoUrl: string): void
}

const waiting: { id: string; url: string }[] = []
const pending = new Set<string>()
let running = 0

function pump(): void {
  while (running < AT_ONCE && waiting.length > 0) {
    // Newest asks first: the tiles in view now, not the ones a fast scroll passed.
    const next = waiting.pop()!
    running++
    const { capturer } = usePosters.getState()
    void capturer(next.url)
      .then(async (frame) => {
        usePosters.setState((s) => ({ taken: { ...s.taken, [next.id]: frame.dataUrl } }))
        // Kept for the next start; if main cannot keep it, this session still shows it.
        await call(api().library.setPoster({ id: next.id, bytes: frame.bytes })).catch(() => {})
      })
      .catch(() => usePosters.setState((s) => ({ failed: { ...s.failed, [next.id]: true } })))
      .finally(() => {
        running--
        pending.delete(next.id)
        pump()
      })
  }
}

export const usePosters = create<PostersState>((_set, get) => ({
  taken: {},
  failed: {},
  capturer: captureInWindow,
  request(id, videoUrl) {
    const s = get()
    if (s.taken[id] || s.failed[id] || pending.has(id)) return
    pending.add(id)
    waiting.push({ id, url: videoUrl })
    pump()
  },
}))
