import { useRef } from 'react'
import type { Job } from '../../../../shared/jobs'
import { api, call } from '../../api'
import { useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { useJobs } from '../../stores/jobs'
import { formatDuration } from '../../ui/format'
import { useGuard } from '../feed/guard'
import { useSyncedPlayback, type SyncedPlayback } from './use-synced-playback'
import { useModal } from '../../ui/modal'
import './compare.css'

// Two to four takes side by side, over the whole window, played in step: one play/pause, one
// seek bar and one loop switch drive them all (use-synced-playback.ts). Each take can be picked
// (made a favourite). Escape closes.

function CompareCell({
  id,
  index,
  sync,
}: {
  id: string
  index: number
  sync: SyncedPlayback
}): React.JSX.Element {
  const t = useT()
  const job = useJobs((s) => s.byId[id])
  const mediaBase = useApp((s) => s.info?.mediaBase ?? 'media://video/')
  const guard = useGuard()
  const pick = () => {
    if (!job) return
    guard.run('pick', () =>
      call(api().tasks.favourite({ id, favourite: !job.favourite })).then((next) =>
        useJobs.getState().apply(next),
      ),
    )
  }
  return (
    <figure className="compare-cell">
      <div className="compare-frame">
        <video
          ref={sync.register(index)}
          src={`${mediaBase}${encodeURIComponent(id)}`}
          preload="auto"
          playsInline
          // One sound at a time: the first take's.
          muted={index > 0}
          aria-label={t('compare.take', { n: index + 1 })}
          onLoadedMetadata={(e) => sync.loaded(index, e.currentTarget.duration)}
          onEnded={index === sync.clock ? sync.ended : undefined}
        />
      </div>
      <figcaption>
        <span className="compare-label">
          {t('compare.take', { n: index + 1 })}
          {job?.request.prompt ? ` · ${job.request.prompt}` : ''}
        </span>
        <button
          type="button"
          aria-pressed={job?.favourite ?? false}
          title={t('compare.pickHelp')}
          disabled={!job || guard.busy('pick')}
          onClick={pick}
        >
          <span aria-hidden="true">{job?.favourite ? '★' : '☆'}</span> {t('compare.pick')}
        </button>
      </figcaption>
    </figure>
  )
}

function Controls({ sync }: { sync: SyncedPlayback }): React.JSX.Element {
  const t = useT()
  const total = sync.total ?? 0
  return (
    <div className="compare-controls">
      <button type="button" className="primary" onClick={sync.playing ? sync.pause : sync.play}>
        {sync.playing ? t('compare.pause') : t('compare.play')}
      </button>
      <input
        type="range"
        min={0}
        max={total}
        step={0.01}
        value={Math.min(sync.time, total)}
        aria-label={t('compare.seek')}
        onChange={(e) => sync.seek(Number(e.target.value))}
      />
      <output className="compare-time">
        {t('compare.time', {
          time: formatDuration(sync.time * 1000),
          total: formatDuration(total * 1000),
        })}
      </output>
      <label className="compare-loop">
        <input
          type="checkbox"
          checked={sync.loop}
          onChange={(e) => sync.setLoop(e.target.checked)}
        />{' '}
        {t('compare.loop')}
      </label>
    </div>
  )
}

function isPortrait(job: Job | undefined): boolean {
  const ratio = (job?.request as { aspect_ratio?: string } | undefined)?.aspect_ratio
  if (!ratio) return false
  const [w, h] = ratio.split(':').map(Number)
  return w !== undefined && h !== undefined && h > w
}

export function CompareDialog({
  ids,
  onClose,
}: {
  ids: string[]
  onClose: () => void
}): React.JSX.Element {
  const t = useT()
  const dialog = useRef<HTMLDialogElement>(null)
  const sync = useSyncedPlayback(ids.length)
  // Four wide clips fill the window best two by two; tall ones side by side.
  const portrait = useJobs((s) => ids.some((id) => isPortrait(s.byId[id])))

  useModal(dialog)

  // Closing the dialog tells the opener through its close event, once; one never opened (no
  // showModal here) tells it directly.
  const finish = () => {
    sync.stop()
    onClose()
  }
  const close = () => (dialog.current?.open ? dialog.current.close() : finish())

  return (
    <dialog
      ref={dialog}
      className="compare"
      aria-labelledby="compare-title"
      onClose={(e) => e.target === e.currentTarget && finish()}
      onCancel={(e) => {
        if (e.target !== e.currentTarget) return
        e.preventDefault()
        close()
      }}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return
        e.preventDefault()
        close()
      }}
    >
      <header className="compare-head">
        <h2 id="compare-title">{t('compare.title')}</h2>
        <p className="muted">{t('compare.help')}</p>
        <button type="button" onClick={close}>
          {t('library.close')}
        </button>
      </header>
      <div className={`compare-grid compare-${ids.length}${portrait ? ' compare-portrait' : ''}`}>
        {ids.map((id, i) => (
          <CompareCell key={id} id={id} index={i} sync={sync} />
        ))}
      </div>
      <Controls sync={sync} />
    </dialog>
  )
}
