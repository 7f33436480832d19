// The player's keys. On the video: space/k play-pause, arrows and j/l seek, m mute, f full
// screen (none of them with Ctrl, Cmd or Alt held: those belong to the app and the system).
// Anywhere in the player but a field or a dialog over it: PageUp or [ for the previous video,
// PageDown or ] for the next.

import { inNestedDialog, typing } from './typing'

const held = (event: React.KeyboardEvent) => event.ctrlKey || event.metaKey || event.altKey

/** A refused play or full screen (no user gesture, a video that will not load) is no error. */
const quietly = (p: Promise<unknown> | undefined) => void p?.catch(() => {})

export function onVideoKey(event: React.KeyboardEvent<HTMLVideoElement>): void {
  if (held(event)) return
  const v = event.currentTarget
  const seek = (s: number) =>
    (v.currentTime = Math.min(Math.max(0, v.currentTime + s), v.duration || 0))
  switch (event.key) {
    case ' ':
    case 'k':
      if (v.paused) quietly(v.play())
      else v.pause()
      break
    case 'ArrowLeft':
      seek(-5)
      break
    case 'ArrowRight':
      seek(5)
      break
    case 'j':
      seek(-10)
      break
    case 'l':
      seek(10)
      break
    case 'm':
      v.muted = !v.muted
      break
    case 'f':
      quietly(document.fullscreenElement ? document.exitFullscreen() : v.requestFullscreen())
      break
    default:
      return
  }
  event.preventDefault()
}

/** -1, 1, or 0 for a key that does not move through the library (or is not the player's). */
export function stepOf(event: React.KeyboardEvent): -1 | 0 | 1 {
  if (held(event) || typing(event.target)) return 0
  if (inNestedDialog(event.target, event.currentTarget)) return 0
  if (event.key === 'PageUp' || event.key === '[') return -1
  if (event.key === 'PageDown' || event.key === ']') return 1
  return 0
}
