// The parts of taking a still from a video in the window, for every feature that does: a hidden
// <video> loaded and sought, a frame drawn on a canvas at a size, the canvas encoded to bytes.
// Each failure is a FrameError whose `reason` a caller can put in the person's words.

/** A video that neither loads nor fails in this long is given up on (runtime, not a test). */
export const GIVE_UP_MS = 20_000

export type FrameFailure = 'unreadable' | 'timeout' | 'no-picture' | 'no-canvas' | 'encode'

export class FrameError extends Error {
  constructor(
    readonly reason: FrameFailure,
    message: string,
  ) {
    super(message)
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
    const onError = () =>
      done(() =>
        reject(
          new FrameError(
            'unreadable',
            `the video could not be read (${video.error?.message ?? event})`,
          ),
        ),
      )
    const timer = setTimeout(
      () => done(() => reject(new FrameError('timeout', 'the video took too long to load'))),
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

/** The video's current frame on a canvas, at most `maxSide` px on its long side. */
export function drawFrame(
  video: HTMLVideoElement,
  maxSide = Infinity,
  doc: Document = document,
): HTMLCanvasElement {
  const { videoWidth: w, videoHeight: h } = video
  if (w === 0 || h === 0) throw new FrameError('no-picture', 'the video has no picture')
  const scale = Math.min(1, maxSide / Math.max(w, h))
  const canvas = doc.createElement('canvas')
  canvas.width = Math.max(1, Math.round(w * scale))
  canvas.height = Math.max(1, Math.round(h * scale))
  const g = canvas.getContext('2d')
  if (!g) throw new FrameError('no-canvas', 'no 2D canvas')
  g.drawImage(video, 0, 0, canvas.width, canvas.height)
  return canvas
}

/** The canvas as PNG or JPEG bytes (toBlob fails on a canvas tainted by a video without CORS). */
export function encodeCanvas(
  canvas: HTMLCanvasElement,
  type: 'image/png' | 'image/jpeg',
  quality?: number,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const failed = () => reject(new FrameError('encode', 'the frame could not be encoded'))
    try {
      canvas.toBlob(
        (blob) => {
          if (!blob) failed()
          else blob.arrayBuffer().then((b) => resolve(new Uint8Array(b)), failed)
        },
        type,
        quality,
      )
    } catch {
      failed()
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
