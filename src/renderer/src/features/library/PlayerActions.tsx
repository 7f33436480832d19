import type { Job } from '../../../../shared/jobs'
import { useT } from '../../i18n'
import { useGuard } from '../feed/guard'
import { startDrag } from './actions'
import { MoreMenu } from './Menu'
import { moreOf, primaryOf, secondaryOf, type Action } from './player-action-list'

// The player's actions, sized by how often they are wanted: one primary (export a saved video,
// retry a failed one, fetch one not saved yet) beside the drag handle, a row of secondary ones,
// the rest under "More". Each runs once at a time: a double click sends one request. A paid one
// (Retry, Generate again) is sent once for good: after it succeeded its button says "Sent".

export function PlayerActions({
  job,
  onLeave,
  extend,
}: {
  job: Job
  /** The player closes: the video went to Create, or to the trash. */
  onLeave(): void
  /** A video that can be extended: opens the extension dialog, or says why it cannot. */
  extend?: { blocked: string | null; open(): void }
}): React.JSX.Element {
  const t = useT()
  const guard = useGuard()
  const primary = primaryOf(job, t)
  const secondary = secondaryOf(job, t, { onLeave, extend: extend?.open })
  const blocked = (a: Action) => (a.key === 'extend' ? (extend?.blocked ?? null) : null)
  // By job too: the player walks the library, and another video's Retry is another task.
  const keyOf = (a: Action) => `${job.id}:${a.key}`
  const button = (a: Action, className?: string) => {
    const sent = a.paid === true && guard.done(keyOf(a))
    return (
      <button
        key={a.key}
        type="button"
        className={className}
        disabled={guard.busy(keyOf(a)) || sent || blocked(a) !== null}
        aria-describedby={blocked(a) ? 'player-extend-why' : undefined}
        onClick={() => guard.run(keyOf(a), async () => a.run(), { once: a.paid })}
      >
        {sent ? t('feed.sent') : a.label}
      </button>
    )
  }
  return (
    <div className="player-actions">
      {(primary || job.saved) && (
        <div className="player-primary">
          {primary && button(primary, 'primary')}
          {job.saved && (
            // For the pointer: the keyboard has no drag, and Export does the same by keys.
            <span
              className="drag-chip"
              draggable
              aria-hidden="true"
              title={t('player.drag')}
              onDragStart={(e) => startDrag(e, job.id)}
            >
              <span className="grip">⠿</span> {t('player.drag')}
            </span>
          )}
        </div>
      )}
      <div className="player-secondary">
        {secondary.map((a) => button(a))}
        <MoreMenu items={moreOf(job, t, onLeave)} />
      </div>
      {extend?.blocked && (
        <p id="player-extend-why" className="muted small">
          {extend.blocked}
        </p>
      )}
    </div>
  )
}
