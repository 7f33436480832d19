// The player's keys. On the video: space/k play-pause, arrows and j/l seek, m mute, f full
// screen. Anywhere in the player: PageUp or [ for the previous video, PageDown or ] for the next.

export function onVideoKey(event: React.KeyboardEvent<HTMLVideoElement>): void {
  const v = event.currentTarget
  const seek = (s: number) =>
    (v.currentTime = Math.min(Math.max(0, v.currentTime + s), v.duration || 0))
  switch (event.key) {
    case ' ':
    case 'k':
      if (v.paused) void v.play()
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
      void (document.fullscreenElement ? document.exitFullscreen() : v.requestFullscreen())
      break
    default:
      return
  }
  event.preventDefault()
}

/** -1, 1, or 0 for a key that does not move through the library. */
export function stepOf(event: React.KeyboardEvent): -1 | 0 | 1 {
  if (event.ctrlKey || event.metaKey || event.altKey) return 0
  if (event.key === 'PageUp' || event.key === '[') return -1
  if (event.key === 'PageDown' || event.key === ']') return 1
  return 0
}
