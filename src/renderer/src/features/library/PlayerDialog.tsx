import { useEffect, useRef, useState } from 'react'
import type { Job } from '../../../../shared/jobs'
import { useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { ExtendDialog } from '../extend/ExtendDialog'
import { extendBlock } from '../extend/extendable'
import { startDrag } from './actions'
import { daysLeft, expiryText, mediaUrl } from './media'
import { PlayerActions } from './PlayerActions'
import { PlayerInfo } from './PlayerInfo'
import { onVideoKey, stepOf } from './player-keys'
import { usePlayerWalk, type PlayerWalk } from './player-walk'
import './library.css'

// The player: one video large, what it is and what was asked for, and what can be done with it.
// Previous and next (buttons, PageUp/PageDown or [ and ]) walk the library in its current order.
// Opened from the Library and from the Create feed alike, with the same two props.

const EXTENDABLE: readonly Job['kind'][] = ['text2video', 'image2video']

function PlayerMedia({ job, now }: { job: Job; now: number }): React.JSX.Element {
  const t = useT()
  const mediaBase = useApp((s) => s.info?.mediaBase ?? 'media://video/')
  if (!job.saved) {
    const left = daysLeft(job, now)
    return (
      <p className="poster-empty">
        {left === null ? t(`state.${job.state}`) : expiryText(t, left)}
      </p>
    )
  }
  return (
    <video
      key={job.id}
      src={mediaUrl(mediaBase, job)}
      controls
      autoPlay
      onKeyDown={onVideoKey}
      // The built-in controls toggle on Space's keyup too, which would undo ours.
      onKeyUp={(e) => e.key === ' ' && e.preventDefault()}
      aria-label={t('library.play', { prompt: job.request.prompt ?? '' })}
      draggable
      onDragStart={(e) => startDrag(e, job.id)}
    />
  )
}

function PlayerNav({ walk }: { walk: PlayerWalk }): React.JSX.Element {
  const t = useT()
  const { position, total, estimate } = walk
  return (
    <nav className="player-nav" aria-label={t('player.order')}>
      <button
        type="button"
        className="ghost"
        disabled={position <= 0}
        aria-keyshortcuts="PageUp ["
        onClick={() => void walk.go(-1)}
      >
        <span aria-hidden="true">‹ </span>
        {t('player.previous')}
      </button>
      {position >= 0 && (
        <span className="muted">
          {t('player.position', { n: position + 1, total: estimate ? `${total}+` : total })}
        </span>
      )}
      <button
        type="button"
        className="ghost"
        disabled={position < 0 || position >= total - 1}
        aria-keyshortcuts="PageDown ]"
        onClick={() => void walk.go(1)}
      >
        {t('player.next')}
        <span aria-hidden="true"> ›</span>
      </button>
    </nav>
  )
}

export function PlayerDialog({
  id,
  onClose,
  onNavigate,
}: {
  id: string
  onClose: () => void
  /** Told which video the player moved to (the Library keeps its selection in step). */
  onNavigate?: (id: string) => void
}): React.JSX.Element | null {
  const t = useT()
  const walk = usePlayerWalk(id, onNavigate)
  const dialog = useRef<HTMLDialogElement>(null)
  const [extending, setExtending] = useState(false)
  const [now] = useState(() => Date.now())

  useEffect(() => {
    const d = dialog.current
    if (d && !d.open && typeof d.showModal === 'function') d.showModal()
  }, [])

  const job = walk.job
  if (!job) return null
  const close = () => (dialog.current?.open ? dialog.current.close() : onClose())
  const canExtend = job.state === 'done' && EXTENDABLE.includes(job.kind)
  const block = canExtend ? extendBlock(job, now) : null

  return (
    <dialog
      ref={dialog}
      className="player"
      aria-labelledby="player-title"
      onClose={onClose}
      onKeyDown={(e) => {
        const step = stepOf(e)
        if (step === 0) return
        e.preventDefault()
        void walk.go(step)
      }}
    >
      <div className="player-body">
        <div className="player-media">
          <PlayerMedia job={job} now={now} />
          <PlayerNav walk={walk} />
        </div>
        <div className="player-details">
          <h2 id="player-title">{t('library.details')}</h2>
          <PlayerInfo job={job} />
          <PlayerActions
            job={job}
            onLeave={close}
            extend={
              canExtend
                ? {
                    blocked: block ? t(block.key, block.params) : null,
                    open: () => setExtending(true),
                  }
                : undefined
            }
          />
          <button type="button" className="close" onClick={close}>
            {t('library.close')}
          </button>
        </div>
      </div>
      {extending && <ExtendDialog job={job} onClose={() => setExtending(false)} />}
    </dialog>
  )
}
