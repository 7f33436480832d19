import { useRef, useState } from 'react'
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
import { useModal } from '../../ui/modal'
import './library.css'

// The player: one video large, what can be done with it, and what it is and what was asked for.
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

/** What the player shows of one job: the video, the walk, what it is and what can be done. */
function PlayerBody({
  job,
  walk,
  now,
  close,
}: {
  job: Job
  walk: PlayerWalk
  now: number
  close(): void
}): React.JSX.Element {
  const t = useT()
  // The video being extended, as it was when Extend was pressed: walking on does not change it.
  const [extending, setExtending] = useState<Job | null>(null)
  const canExtend = job.state === 'done' && EXTENDABLE.includes(job.kind)
  const block = canExtend ? extendBlock(job, now) : null
  return (
    <>
      <div className="player-body">
        <div className="player-media">
          <PlayerMedia job={job} now={now} />
          <PlayerNav walk={walk} />
        </div>
        {/* Title and Close, the actions, then the facts: on a short window the actions stay
            in view above a long list, and the keys reach them in the order they are seen. */}
        <div className="player-details">
          <h2 id="player-title">{t('library.details')}</h2>
          <button type="button" className="close" onClick={close}>
            {t('library.close')}
          </button>
          <PlayerActions
            job={job}
            onLeave={close}
            extend={
              canExtend
                ? {
                    blocked: block ? t(block.key, block.params) : null,
                    open: () => setExtending(job),
                  }
                : undefined
            }
          />
          <PlayerInfo job={job} />
        </div>
      </div>
      {extending && <ExtendDialog job={extending} onClose={() => setExtending(null)} />}
    </>
  )
}

/** A video asked of main and not here yet: the dialog is open already, and can be closed. */
function PlayerLoading({ close }: { close(): void }): React.JSX.Element {
  const t = useT()
  return (
    // Busy here, not the dialog: a notice the dialog holds (a video that would not load) is read out.
    <div className="player-loading" aria-busy="true">
      <h2 id="player-title">{t('library.details')}</h2>
      <p className="muted" role="status">
        {t('common.loading')}
      </p>
      <button type="button" className="close" onClick={close}>
        {t('library.close')}
      </button>
    </div>
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
}): React.JSX.Element {
  const walk = usePlayerWalk(id, onNavigate)
  const dialog = useRef<HTMLDialogElement>(null)
  const [now] = useState(() => Date.now())

  // The dialog is there from the first render (a job not loaded yet shows it loading), so it
  // opens now, once.
  useModal(dialog)

  const job = walk.job
  const close = () => (dialog.current?.open ? dialog.current.close() : onClose())

  return (
    <dialog
      ref={dialog}
      className="player"
      aria-labelledby="player-title"
      // React passes a nested dialog's close (Extend's) on to this one: only its own counts.
      onClose={(e) => e.target === e.currentTarget && onClose()}
      onKeyDown={(e) => {
        const step = stepOf(e)
        if (step === 0 || !job) return
        e.preventDefault()
        void walk.go(step)
      }}
    >
      {job ? (
        <PlayerBody job={job} walk={walk} now={now} close={close} />
      ) : (
        <PlayerLoading close={close} />
      )}
    </dialog>
  )
}
