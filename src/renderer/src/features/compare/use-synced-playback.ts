import { useCallback, useEffect, useRef, useState } from 'react'
import { clampSeek, clockIndex, corrections, shouldPlay, targetOf, totalDuration } from './sync'

// The video elements of a comparison driven as one: play, pause, seek and loop act on all, and
// while they play, every frame moves the ones that drifted back to the clock clip (sync.ts).

/** The seek bar follows the clock this closely (seconds): finer only redraws for nothing. */
const TIME_STEP_S = 0.05

export interface SyncedPlayback {
  /** Hand each clip's element over as it mounts. */
  register(index: number): (el: HTMLVideoElement | null) => void
  /** A clip learnt its duration. */
  loaded(index: number, duration: number): void
  /** The clock clip ended. */
  ended(): void
  play(): void
  pause(): void
  seek(to: number): void
  stop(): void
  playing: boolean
  time: number
  total: number | null
  clock: number
  loop: boolean
  setLoop(loop: boolean): void
}

/** While playing: every frame, the others follow the clock clip, and the time shown moves. */
function useFollowClock(
  videos: React.RefObject<(HTMLVideoElement | null)[]>,
  playing: boolean,
  clock: number,
  setTime: (time: number) => void,
): void {
  useEffect(() => {
    if (!playing) return
    let frame = 0
    let shown = -1
    const tick = () => {
      const els = videos.current
      const master = els[clock]
      if (master) {
        const now = master.currentTime
        const fix = corrections(
          now,
          els.map((v) => ({ time: v?.currentTime ?? 0, duration: v ? v.duration : null })),
        )
        els.forEach((v, i) => {
          if (!v || i === clock) return
          const seek = fix[i]
          if (seek !== null && seek !== undefined) v.currentTime = seek
          if (v.paused && shouldPlay(now, v.duration)) void v.play().catch(() => {})
        })
        if (Math.abs(now - shown) >= TIME_STEP_S) {
          shown = now
          setTime(now)
        }
      }
      frame = requestAnimationFrame(tick)
    }
    frame = requestAnimationFrame(tick)
    return () => cancelAnimationFrame(frame)
  }, [videos, playing, clock, setTime])
}

export function useSyncedPlayback(count: number): SyncedPlayback {
  const videos = useRef<(HTMLVideoElement | null)[]>([])
  const [playing, setPlaying] = useState(false)
  const [loop, setLoop] = useState(true)
  const [time, setTime] = useState(0)
  const [durations, setDurations] = useState<(number | null)[]>(() =>
    Array.from({ length: count }, () => null),
  )
  const total = totalDuration(durations)
  const clock = clockIndex(durations)

  useFollowClock(videos, playing, clock, setTime)

  const each = (fn: (v: HTMLVideoElement) => void) => videos.current.forEach((v) => v && fn(v))
  const clockTime = () => videos.current[clock]?.currentTime ?? time

  const seek = (to: number) => {
    const at = clampSeek(to, total)
    each((v) => (v.currentTime = targetOf(at, v.duration)))
    setTime(at)
  }

  const play = () => {
    let at = clockTime()
    // At the end: a new play starts over.
    if (total !== null && at >= total - TIME_STEP_S) {
      at = 0
      seek(0)
    }
    each((v) => {
      if (shouldPlay(at, v.duration)) void v.play().catch(() => {})
    })
    setPlaying(true)
  }

  const pause = () => {
    each((v) => v.pause())
    setPlaying(false)
    seek(clockTime())
  }

  const ended = () => {
    if (loop) {
      seek(0)
      each((v) => void v.play().catch(() => {}))
    } else {
      each((v) => v.pause())
      setPlaying(false)
    }
  }

  const register = useCallback(
    (index: number) => (el: HTMLVideoElement | null) => {
      videos.current[index] = el
    },
    [],
  )
  const loaded = useCallback(
    (index: number, duration: number) =>
      setDurations((all) => all.map((d, k) => (k === index ? duration : d))),
    [],
  )

  return {
    register,
    loaded,
    ended,
    play,
    pause,
    seek,
    stop: () => each((v) => v.pause()),
    playing,
    time,
    total,
    clock,
    loop,
    setLoop,
  }
}
