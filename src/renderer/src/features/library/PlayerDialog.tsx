import { useEffect, useRef, useState } from 'react'
import type { JobDetails } from '../../../../shared/contract'
import type { AnyRequest } from '../../../../shared/kling'
import { api, call } from '../../api'
import { useLanguage, useT, type MessageKey } from '../../i18n'
import { FIELD_LABELS } from '../compose/messages'
import { useApp } from '../../stores/app'
import { useJobs } from '../../stores/jobs'
import { noticeFrom } from '../../ui/errors'
import { formatDate, formatDuration } from '../../ui/format'
import { daysLeft, expiryText, mediaUrl } from './LibraryView'

/** The usual player keys: space/k play-pause, arrows and j/l seek, m mute, f full screen. */
function onPlayerKey(event: React.KeyboardEvent<HTMLVideoElement>): void {
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

export function PlayerDialog({
  id,
  onClose,
}: {
  id: string
  onClose: () => void
}): React.JSX.Element | null {
  const t = useT()
  const language = useLanguage((s) => s.language)
  const job = useJobs((s) => s.byId[id])
  const mediaBase = useApp((s) => s.info?.mediaBase ?? 'media://video/')
  const notify = useApp((s) => s.notify)
  const dialog = useRef<HTMLDialogElement>(null)
  const [details, setDetails] = useState<JobDetails | null>(null)
  const [now] = useState(() => Date.now())

  useEffect(() => {
    const d = dialog.current
    if (d && !d.open) d.showModal()
    void call(api().tasks.get({ id }))
      .then((res) => {
        setDetails(res)
        useJobs.getState().apply(res.job)
      })
      .catch((e: unknown) => notify(noticeFrom(e)))
  }, [id, notify])

  const current = job ?? details?.job
  if (!current) return null
  const act = (fn: () => Promise<unknown>) => () =>
    void fn().catch((e: unknown) => notify(noticeFrom(e)))
  const r = current.request as AnyRequest
  // Each option in the person's words; one left unset is the server's default.
  const camera = r.camera_control
  const cameraText = !camera
    ? undefined
    : camera.type === 'simple'
      ? Object.entries(camera.config ?? {})
          .filter(([, v]) => v !== 0)
          .map(([axis, v]) => `${t(`compose.axis.${axis}` as MessageKey)} ${v}`)
          .join(', ') || t('compose.camera.simple')
      : t(`compose.camera.${camera.type}` as MessageKey)
  const options: [string, string | undefined][] = [
    ['aspect_ratio', r.aspect_ratio],
    ['duration', r.duration && `${r.duration} s`],
    ['mode', r.mode && t(`compose.mode.${r.mode}` as MessageKey)],
    ['model_name', r.model_name],
    ['cfg_scale', r.cfg_scale?.toString()],
    ['camera_control', cameraText],
    ['callback_url', r.callback_url],
  ]
  const left = daysLeft(current, now)

  return (
    <dialog ref={dialog} className="player" aria-labelledby="player-title" onClose={onClose}>
      <div className="player-body">
        <div className="player-media">
          {current.saved ? (
            <video
              src={mediaUrl(mediaBase, current)}
              controls
              autoPlay
              onKeyDown={onPlayerKey}
              // The built-in controls toggle on Space's keyup too, which would undo ours.
              onKeyUp={(e) => e.key === ' ' && e.preventDefault()}
              aria-label={t('library.play', { prompt: r.prompt ?? '' })}
              draggable
              onDragStart={(e) => {
                e.preventDefault()
                void api().library.startDrag({ id: current.id })
              }}
            />
          ) : (
            <p className="poster-empty">
              {left === null ? t(`state.${current.state}`) : expiryText(t, left)}
            </p>
          )}
        </div>
        <div className="player-details">
          <h2 id="player-title">{t('library.details')}</h2>
          <dl>
            <dt>{t('details.prompt')}</dt>
            <dd>{r.prompt}</dd>
            {r.negative_prompt && (
              <>
                <dt>{t('details.negative')}</dt>
                <dd>{r.negative_prompt}</dd>
              </>
            )}
            <dt>{t('details.options')}</dt>
            <dd>
              <ul className="plain">
                {options.map(([k, v]) => (
                  <li key={k}>
                    {FIELD_LABELS[k] ? t(FIELD_LABELS[k]) : k}: {v ?? t('compose.serverDefault')}
                  </li>
                ))}
              </ul>
            </dd>
            <dt>{t('details.taskId')}</dt>
            <dd className="mono">{current.taskId ?? t('details.none')}</dd>
            <dt>{t('details.externalId')}</dt>
            <dd className="mono">{current.externalTaskId}</dd>
            <dt>{t('details.created')}</dt>
            <dd>{formatDate(current.submittedAt ?? current.createdAt, language)}</dd>
            <dt>{t('details.finished')}</dt>
            <dd>{formatDate(current.finishedAt, language)}</dd>
            {current.submittedAt !== null && current.finishedAt !== null && (
              <>
                <dt>{t('details.took')}</dt>
                <dd>{formatDuration(current.finishedAt - current.submittedAt)}</dd>
              </>
            )}
            <dt>{t('details.units')}</dt>
            <dd>{current.units ?? t('details.none')}</dd>
          </dl>
          <div className="player-actions">
            <button
              type="button"
              onClick={act(() =>
                call(api().tasks.favourite({ id, favourite: !current.favourite })),
              )}
            >
              {current.favourite ? t('library.unfavourite') : t('library.favourite')}
            </button>
            <button type="button" onClick={act(() => call(api().tasks.rerun({ id, changes: {} })))}>
              {t('library.rerun')}
            </button>
            <button
              type="button"
              onClick={() => useApp.getState().set({ draft: r, view: 'compose', selected: null })}
            >
              {t('library.editRerun')}
            </button>
            {current.saved && (
              <>
                <button type="button" onClick={act(() => call(api().library.reveal({ id })))}>
                  {t('library.reveal')}
                </button>
                <button type="button" onClick={act(() => call(api().library.open({ id })))}>
                  {t('library.open')}
                </button>
              </>
            )}
            {!current.saved && current.taskStatus === 'succeed' && (
              <button type="button" onClick={act(() => call(api().tasks.retryDownload({ id })))}>
                {t('queue.retryDownload')}
              </button>
            )}
            <button
              type="button"
              onClick={act(async () => {
                await navigator.clipboard.writeText(r.prompt ?? '')
                notify({ kind: 'info', text: t('library.copied') })
              })}
            >
              {t('library.copy')}
            </button>
            <button
              type="button"
              className="danger"
              onClick={() =>
                act(async () => {
                  if (!window.confirm(t('library.confirmDelete'))) return
                  await call(api().library.delete({ id }))
                  useJobs.getState().remove(id)
                  dialog.current?.close()
                  // Its card is gone: keyboard focus goes to the grid rather than nowhere.
                  document.querySelector<HTMLElement>('[data-testid="library-grid"]')?.focus()
                })()
              }
            >
              {t('library.delete')}
            </button>
          </div>
          <button type="button" className="close" onClick={() => dialog.current?.close()}>
            {t('library.close')}
          </button>
        </div>
      </div>
    </dialog>
  )
}
