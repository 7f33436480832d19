import { useState } from 'react'
import type { Job } from '../../../../shared/jobs'
import { useT } from '../../i18n'
import { startDrag } from './actions'
import { Menu, type MenuItem } from './Menu'
import { moreOf, primaryOf, secondaryOf, type Action } from './player-action-list'
import { useOnce } from './use-once'

// The player's actions, sized by how often they are wanted: one primary (export a saved video,
// retry a failed one, fetch one not saved yet) beside the drag handle, a row of secondary ones,
// the rest under "More". Each runs once at a time: a double click sends one request.

function MoreMenu({ items }: { items: MenuItem[] }): React.JSX.Element {
  const t = useT()
  const [open, setOpen] = useState(false)
  return (
    <span className="menu-host">
      <button
        type="button"
        className="ghost"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((m) => !m)}
      >
        {t('player.more')} <span aria-hidden="true">▾</span>
      </button>
      {open && <Menu label={t('player.moreLabel')} items={items} onClose={() => setOpen(false)} />}
    </span>
  )
}

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
  const once = useOnce()
  const primary = primaryOf(job, t)
  const secondary = secondaryOf(job, t, { onLeave, extend: extend?.open })
  const blocked = (a: Action) => (a.key === 'extend' ? (extend?.blocked ?? null) : null)
  const button = (a: Action, className?: string) => (
    <button
      key={a.key}
      type="button"
      className={className}
      disabled={once.busy(a.key) || blocked(a) !== null}
      aria-describedby={blocked(a) ? 'player-extend-why' : undefined}
      onClick={() => once.run(a)}
    >
      {a.label}
    </button>
  )
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
