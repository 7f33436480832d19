import { create } from 'zustand'
import type { Job } from '../../../shared/jobs'
import type { AnyRequest, VideoKind } from '../../../shared/kling'

// The composer's draft: what the person is writing, kept across views and restarts
// (placeholder shape; the composer work fills it in).

export type FrameSlot = 'image' | 'image_tail'

export interface DraftState {
  kind: Exclude<VideoKind, 'video-extend'>
  /** Loads a request into the composer (Edit and generate, Edit and retry) and shows Create. */
  load(kind: VideoKind, request: Partial<AnyRequest>): void
  /**
   * Takes a frame of a saved video (at seconds, or its last frame) into an image slot, switches
   * the composer to image-to-video and shows Create.
   */
  takeFrame(job: Job, at: number | 'last', slot: FrameSlot): Promise<void>
}

export const useDraft = create<DraftState>(() => ({
  kind: 'text2video',
  load: () => {},
  takeFrame: async () => {},
}))
