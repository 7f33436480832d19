// The parts of taking a still from a video in the window, for every feature that does: a hidden
// <video> loaded and sought, a frame drawn on a canvas at a size, the canvas encoded to bytes.
// Each failure is a FrameError whose code the window says in the person's language.

/** A video that neither loads nor fails in this long is given up on (runtime, not a test). */
export const GIVE_UP_MS = 20_000

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

/** Resolves on the first `event`, rejects on the video's `error` or after `giveUpMs`. */
export function untilEvent(
  video: HTMLVideoElement,
  event: string,
  giveUpMs = GIVE_UP_MS,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (fn: () => void) => {
      clearTimeout(timer)
      video.removeEventListener(event, onOk)
      video.removeEventListener('error', onError)
      fn()
    }
    const onOk = () => done(resolve)
    const onError = () => {
      const detail = video.error?.message || undefined
      const why = `the video could not be read (${detail ?? event})`
      done(() => reject(new FrameError('unreadable', why, detail)))
    }
    const timer = setTimeout(
      () => done(() => reject(new FrameError('load_timeout', 'the video took too long to load'))),
      giveUpMs,
    )
    video.addEventListener(event, onOk)
    video.addEventListener('error', onError)
  })
}

/**
 * A hidden, muted video of `url`, once `ready` fired (loadedmetadata: its size and length are
 * known; loadeddata: a frame is there too). Call releaseVideo when done with it.
 */
export async function openVideo(
  url: string,
  ready: 'loadedmetadata' | 'loadeddata',
  doc: Document = document,
): Promise<HTMLVideoElement> {
  const video = doc.createElement('video')
  // Without CORS the canvas would be tainted and refuse to give its pixels.
  video.crossOrigin = 'anonymous'
  video.preload = 'auto'
  video.muted = true
  const loaded = untilEvent(video, ready)
  video.src = url
  try {
    await loaded
  } catch (error) {
    releaseVideo(video)
    throw error
  }
  return video
}

/** Moves the video to `time` seconds and waits until that frame is there. */
export async function seekTo(video: HTMLVideoElement, time: number): Promise<void> {
  const seeked = untilEvent(video, 'seeked')
  video.currentTime = time
  await seeked
}

/** Lets the decoder go. */
export function releaseVideo(video: HTMLVideoElement): void {
  video.removeAttribute('src')
  video.load()
}

/** An image, video or canvas of this size drawn on a new canvas at most `maxSide` px long. */
export function drawScaled(
  source: CanvasImageSource,
  width: number,
  height: number,
  maxSide = Infinity,
  doc: Document = document,
): HTMLCanvasElement {
  const scale = Math.min(1, maxSide / Math.max(width, height, 1))
  const canvas = doc.createElement('canvas')
  canvas.width = Math.max(1, Math.round(width * scale))
  canvas.height = Math.max(1, Math.round(height * scale))
  const g = canvas.getContext('2d')
  if (!g) throw new FrameError('no_canvas', 'no 2D canvas')
  g.drawImage(source, 0, 0, canvas.width, canvas.height)
  return canvas
}

/** The video's current frame on a canvas, at most `maxSide` px on its long side. */
export function drawFrame(
  video: HTMLVideoElement,
  maxSide = Infinity,
  doc: Document = document,
): HTMLCanvasElement {
  const { videoWidth: w, videoHeight: h } = video
  if (w === 0 || h === 0) throw new FrameError('no_picture', 'the video has no picture')
  return drawScaled(video, w, h, maxSide, doc)
}

/** The canvas as PNG or JPEG bytes (toBlob fails on a canvas tainted by a video without CORS). */
export function encodeCanvas(
  canvas: HTMLCanvasElement,
  type: 'image/png' | 'image/jpeg',
  quality?: number,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const failed = (error?: unknown) => {
      const detail = error instanceof Error ? error.message : undefined
      reject(new FrameError('encode', 'the frame could not be encoded', detail))
    }
    try {
      canvas.toBlob(
        (blob) => {
          if (!blob) failed()
          else blob.arrayBuffer().then((b) => resolve(new Uint8Array(b)), failed)
        },
        type,
        quality,
      )
    } catch (error) {
      failed(error)
    }
  })
}

/** Encoded image bytes as a data URL (the page's images allow data:, not blob:). */
export function dataUrlOf(bytes: Uint8Array, type: 'image/png' | 'image/jpeg'): string {
  let text = ''
  for (let i = 0; i < bytes.length; i += 0x8000)
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return `data:${type};base64,${btoa(text)}`
}
