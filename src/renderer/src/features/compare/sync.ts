// Keeping takes side by side in step, as pure arithmetic: one clip is the clock (the longest, so
// the comparison lasts as long as its longest take), and every other clip is moved to where the
// clock says it should be whenever it drifts further than a tolerance. A shorter clip holds its
// last frame until the clock starts over.

/** Drift allowed before a clip is moved (seconds): less would seek on every frame. */
export const SYNC_TOLERANCE_S = 0.12

export interface ClipClock {
  /** The clip's currentTime. */
  time: number
  /** Its length in seconds (null or NaN while its metadata is still loading). */
  duration: number | null
}

const known = (d: number | null): d is number => d !== null && Number.isFinite(d) && d > 0

/** Which clip is the clock: the longest known (the first while none is known). */
export function clockIndex(durations: readonly (number | null)[]): number {
  let best = 0
  let longest = -1
  durations.forEach((d, i) => {
    if (known(d) && d > longest) {
      longest = d
      best = i
    }
  })
  return best
}

/** How long the comparison lasts: its longest clip (null while none is known). */
export function totalDuration(durations: readonly (number | null)[]): number | null {
  const lengths = durations.filter(known)
  return lengths.length > 0 ? Math.max(...lengths) : null
}

/** Where a clip should be when the clock reads `clock`: the same time, or its own end. */
export function targetOf(clock: number, duration: number | null): number {
  const t = Math.max(0, clock)
  return known(duration) ? Math.min(t, duration) : t
}

/**
 * The seek each clip needs to be back in step with the clock (null: close enough, leave it be,
 * so a playing clip is not made to stutter).
 */
export function corrections(
  clock: number,
  clips: readonly ClipClock[],
  tolerance = SYNC_TOLERANCE_S,
): (number | null)[] {
  return clips.map((clip) => {
    const target = targetOf(clock, clip.duration)
    return Math.abs(clip.time - target) > tolerance ? target : null
  })
}

/** Whether a clip should be playing while the comparison plays: only before its own end. */
export function shouldPlay(clock: number, duration: number | null): boolean {
  return !known(duration) || clock < duration - 0.05
}

/** A position from the seek bar, kept inside the comparison. */
export function clampSeek(value: number, total: number | null): number {
  if (!Number.isFinite(value) || value < 0) return 0
  return total === null ? value : Math.min(value, total)
}
