// A still of a saved video taken into an image slot: the frame at a time (or the last frame) as
// PNG bytes that go to main like any other image, and the small JPEG preview a draft keeps, so an
// image slot still shows its picture after a restart. The video and canvas work is video-frame's;
// a failure is its FrameError, whose code the window says in the person's language.

import { drawFrame, drawScaled, encodeCanvas, openVideo, releaseVideo, seekTo } from './video-frame'

export { FRAME_ERROR_CODES, FrameError, type FrameErrorCode } from './video-frame'

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

/** A small JPEG of an image, video or bitmap of this size, as a data URL (images allow data:). */
export function thumbnailOf(
  source: CanvasImageSource,
  width: number,
  height: number,
  doc: Document = document,
): string {
  return drawScaled(source, width, height, THUMB_SIDE, doc).toDataURL('image/jpeg', 0.8)
}

/** The frame of the video at `url` at `at` seconds, or its last frame. */
export async function captureFrame(
  url: string,
  at: number | 'last',
  doc: Document = document,
): Promise<CapturedFrame> {
  const video = await openVideo(url, 'loadedmetadata', doc)
  try {
    const end = Number.isFinite(video.duration) ? video.duration : 0
    const time =
      at === 'last' ? Math.max(0, end - LAST_FRAME_OFFSET) : Math.min(Math.max(0, at), end)
    await seekTo(video, time)
    const canvas = drawFrame(video, Infinity, doc)
    const { width, height } = canvas
    const png = await encodeCanvas(canvas, 'image/png')
    return { png, thumb: thumbnailOf(canvas, width, height, doc), width, height, at: time }
  } finally {
    releaseVideo(video)
  }
}
