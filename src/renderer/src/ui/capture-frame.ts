// A still of a saved video, taken in the window: a hidden <video> seeks to a time (or the last
// frame), a canvas draws it, and the PNG bytes go to main like any other image. Also the small
// JPEG preview a draft keeps, so an image slot still shows its picture after a restart. A failure
// is a FrameError whose code the window says in the person's language.

export interface CapturedFrame {
  png: Uint8Array
  /** A JPEG data URL at most THUMB_SIDE px on its long side. */
  thumb: string
  width: number
  height: number
  /** The time actually drawn, in seconds. */
  at: number
}

export const THUMB_SIDE = 160
/** How far before the end "the last frame" is taken: the very end may not decode. */
export const LAST_FRAME_OFFSET = 0.05
/** A video that neither loads nor fails in this long is given up on. */
const GIVE_UP_MS = 20_000

/** Why a frame could not be taken; each has a sentence in both languages (create.frameError.*). */
export const FRAME_ERROR_CODES = [
  'load_timeout',
  'unreadable',
  'no_picture',
  'no_canvas',
  'encode',
] as const
export type FrameErrorCode = (typeof FRAME_ERROR_CODES)[number]

/** A frame not taken: `message` is English for a log, `detail` the browser's own words if any. */
export class FrameError extends Error {
  constructor(
    readonly code: FrameErrorCode,
    message: string,
    readonly detail?: string,
  ) {
    super(message)
    this.name = 'FrameError'
  }
}

/** A small JPEG of an image, video or bitmap of this size, as a data URL (images allow data:). */
export function thumbnailOf(
  source: CanvasImageSource,
  width: number,
  height: number,
  doc: Document = document,
): string {
  const scale = Math.min(1, THUMB_SIDE / Math.max(width, height, 1))
  const canvas = doc.createElement('canvas')
  canvas.width = Math.max(1, Math.round(width * scale))
  canvas.height = Math.max(1, Math.round(height * scale))
  const g = canvas.getContext('2d')
  if (!g) throw new FrameError('no_canvas', 'no 2D canvas')
  g.drawImage(source, 0, 0, canvas.width, canvas.height)
  return canvas.toDataURL('image/jpeg', 0.8)
}

/** Resolves on the first of `ok`, rejects on `error` or after GIVE_UP_MS. */
function once(video: HTMLVideoElement, ok: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (fn: () => void) => {
      clearTimeout(timer)
      video.removeEventListener(ok, onOk)
      video.removeEventListener('error', onError)
      fn()
    }
    const onOk = () => done(resolve)
    const onError = () => {
      const detail = video.error?.message || undefined
      const why = `the video could not be read (${detail ?? ok})`
      done(() => reject(new FrameError('unreadable', why, detail)))
    }
    const timer = setTimeout(
      () => done(() => reject(new FrameError('load_timeout', 'the video took too long to load'))),
      GIVE_UP_MS,
    )
    video.addEventListener(ok, onOk)
    video.addEventListener('error', onError)
  })
}

function pngOf(canvas: HTMLCanvasElement): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const failed = (error?: unknown) => {
      const detail = error instanceof Error ? error.message : undefined
      reject(new FrameError('encode', 'the frame could not be encoded', detail))
    }
    try {
      // toBlob throws on a canvas tainted by a video served without CORS.
      canvas.toBlob((blob) => {
        if (!blob) failed()
        else blob.arrayBuffer().then((b) => resolve(new Uint8Array(b)), failed)
      }, 'image/png')
    } catch (error) {
      failed(error)
    }
  })
}

/** The frame of the video at `url` at `at` seconds, or its last frame. */
export async function captureFrame(
  url: string,
  at: number | 'last',
  doc: Document = document,
): Promise<CapturedFrame> {
  const video = doc.createElement('video')
  video.crossOrigin = 'anonymous'
  video.preload = 'auto'
  video.muted = true
  const loaded = once(video, 'loadedmetadata')
  video.src = url
  try {
    await loaded
    const end = Number.isFinite(video.duration) ? video.duration : 0
    const time =
      at === 'last' ? Math.max(0, end - LAST_FRAME_OFFSET) : Math.min(Math.max(0, at), end)
    const seeked = once(video, 'seeked')
    video.currentTime = time
    await seeked
    const width = video.videoWidth
    const height = video.videoHeight
    if (width === 0 || height === 0) throw new FrameError('no_picture', 'the video has no picture')
    const canvas = doc.createElement('canvas')
    canvas.width = width
    canvas.height = height
    const g = canvas.getContext('2d')
    if (!g) throw new FrameError('no_canvas', 'no 2D canvas')
    g.drawImage(video, 0, 0, width, height)
    const png = await pngOf(canvas)
    return { png, thumb: thumbnailOf(canvas, width, height, doc), width, height, at: time }
  } finally {
    video.removeAttribute('src')
    video.load()
  }
}
