import { useRef, useState } from 'react'
import type { Job } from '../../../../shared/jobs'
import { useT } from '../../i18n'
import { useApp } from '../../stores/app'

// A finished take in place: its poster frame (a video main made no poster of answers 404, and
// then the video itself stands still half a second in), playing muted while pointed at; a click
// opens the player.

export function DoneMedia({
  job,
  shape,
  onPlay,
}: {
  job: Job
  shape: string
  onPlay: () => void
}): React.JSX.Element {
  const t = useT()
  const mediaBase = useApp((s) => s.info?.mediaBase ?? 'media://video/')
  const posterBase = useApp((s) => s.info?.posterBase ?? 'media://poster/')
  const [hasPoster, setHasPoster] = useState(true)
  const [hover, setHover] = useState(false)
  const video = useRef<HTMLVideoElement>(null)
  const src = `${mediaBase}${encodeURIComponent(job.id)}`

  const enter = () => {
    setHover(true)
    if (!hasPoster) void video.current?.play().catch(() => {})
  }
  const leave = () => {
    setHover(false)
    const v = video.current
    if (!hasPoster && v) {
      v.pause()
      v.currentTime = 0.5
    }
  }

  return (
    <button
      type="button"
      className="tile-media tile-play"
      style={{ aspectRatio: shape }}
      onClick={onPlay}
      onMouseEnter={enter}
      onMouseLeave={leave}
      aria-label={t('library.play', { prompt: job.request.prompt ?? '' })}
    >
      {hasPoster ? (
        <>
          <img
            src={`${posterBase}${encodeURIComponent(job.id)}`}
            alt=""
            draggable={false}
            onError={() => setHasPoster(false)}
          />
          {hover && <video src={src} muted loop autoPlay playsInline tabIndex={-1} />}
        </>
      ) : (
        <video
          ref={video}
          src={`${src}#t=0.5`}
          preload="metadata"
          muted
          loop
          playsInline
          tabIndex={-1}
        />
      )}
    </button>
  )
}
