import { useState } from 'react'
import type { Job } from '../../../../shared/jobs'
import { api, call } from '../../api'
import { useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { useDraft } from '../../stores/draft'
import { useJobs } from '../../stores/jobs'
import { extendBlock } from '../extend/extendable'
import { copyPrompt, reveal } from '../library/actions'
import { MoreMenu, type MenuItem } from '../library/Menu'
import { useGuard } from './guard'

// What can be done with a finished take (the video itself plays it), each guarded against a double
// click. Its star sits beside the Compare tick; in one row as far as the tile allows: start a new
// video from its last frame, extend it (or say why not), and a handle that drags the file into an
// editor; under "More" the rest: edit and generate again, export, show in its folder, copy the
// prompt.

/** Hands the file to the OS drag, so editors take it like a file from disk. */
function DragHandle({ id }: { id: string }): React.JSX.Element {
  const t = useT()
  return (
    <button
      type="button"
      className="ghost drag-handle"
      draggable
      onDragStart={(e) => {
        e.preventDefault()
        void api().library.startDrag({ id })
      }}
      title={t('feed.dragHelp')}
      aria-label={t('feed.dragHelp')}
    >
      <span aria-hidden="true">⠿</span> {t('feed.drag')}
    </button>
  )
}

/** The star that keeps a take among the favourites (the Library can show only those). */
export function FavouriteToggle({ job }: { job: Job }): React.JSX.Element {
  const t = useT()
  const guard = useGuard()
  const favourite = () =>
    guard.run('favourite', () =>
      call(api().tasks.favourite({ id: job.id, favourite: !job.favourite })).then((next) =>
        useJobs.getState().apply(next),
      ),
    )
  return (
    <button
      type="button"
      className="fav"
      aria-pressed={job.favourite}
      aria-label={t('library.favourite')}
      title={t('library.favourite')}
      disabled={guard.busy('favourite')}
      onClick={favourite}
    >
      <span aria-hidden="true">{job.favourite ? '★' : '☆'}</span>
    </button>
  )
}

export function DoneActions({
  job,
  take,
  onExtend,
  onEdit,
}: {
  job: Job
  /** Its place among the takes of its Generate, from 1; 0 for a single take. */
  take: number
  onExtend(job: Job): void
  onEdit(job: Job): void
}): React.JSX.Element {
  const t = useT()
  const notify = useApp((s) => s.notify)
  const guard = useGuard()
  const [now] = useState(() => Date.now())
  const block = extendBlock(job, now)
  const why = block ? t(block.key, block.params) : null
  const id = job.id

  const lastFrame = () =>
    guard.run('frame', () => useDraft.getState().takeFrame(job, 'last', 'image'))
  const exportIt = () =>
    guard.run('export', async () => {
      const res = await call(api().library.export({ ids: [id] }))
      if (res.folder === null) return // the person closed the folder picker
      const failed = res.failed[0]
      notify(
        failed
          ? { kind: 'error', text: t('feed.exportFailed', { message: failed.message }) }
          : { kind: 'info', text: t('feed.exported', { folder: res.folder }) },
      )
    })

  const more: MenuItem[] = [
    { key: 'edit', label: t('library.editRerun'), onSelect: () => onEdit(job) },
    {
      key: 'export',
      label: t('player.export'),
      disabled: guard.busy('export'),
      onSelect: exportIt,
    },
    ...(job.saved
      ? [{ key: 'reveal', label: t('library.reveal'), onSelect: () => reveal(id) }]
      : []),
    { key: 'copy', label: t('library.copy'), onSelect: () => copyPrompt(job, t) },
  ]

  return (
    <div className="tile-actions">
      <button
        type="button"
        title={t('feed.lastFrameHelp')}
        disabled={guard.busy('frame')}
        onClick={lastFrame}
      >
        {t('feed.lastFrame')}
      </button>
      <button
        type="button"
        aria-disabled={why !== null}
        className={why ? 'unavailable' : undefined}
        title={why ?? undefined}
        onClick={() => (why ? notify({ kind: 'info', text: why }) : onExtend(job))}
      >
        {t('feed.extend')}
      </button>
      <MoreMenu items={more} name={take > 0 ? t('feed.moreOf', { n: take }) : undefined} />
      <DragHandle id={id} />
    </div>
  )
}
