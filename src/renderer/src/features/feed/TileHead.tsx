import type { Job } from '../../../../shared/jobs'
import { useT } from '../../i18n'
import { useApp } from '../../stores/app'

// What every take tile says above its actions: which take it is, its badges, and its family
// (the video it extends, how many times it was extended).

export interface TileProps {
  job: Job
  /** Its place among the takes of its Generate, from 1; 0 for a single take. */
  take: number
  /** CSS aspect-ratio of the clip ("16 / 9"). */
  shape: string
  /** An extension's parent prompt (null: the parent is not on this page). */
  parentPrompt: string | null
  /** How many extensions of it the page knows of. */
  extensions: number
  selected: boolean
  /** Whether it may be ticked for comparing now (fewer than four are, or it is one of them). */
  selectable: boolean
  onSelect(id: string): void
  onExtend(job: Job): void
  onEdit(job: Job): void
}

export function TileHead({ job, take, parentPrompt, extensions }: TileProps): React.JSX.Element {
  const t = useT()
  const parentId = job.parentJobId
  return (
    <>
      <div className="tile-head">
        {take > 0 && <span className="tile-take">{t('feed.take', { n: take })}</span>}
        {job.video?.duration && (
          <span className="muted">{t('feed.seconds', { n: job.video.duration })}</span>
        )}
        {/* A finished take shows its star as the toggle beside Compare (DoneTile). */}
        {job.favourite && !(job.state === 'done' && job.saved) && (
          <span className="badge fav" title={t('library.favourite')}>
            ★<span className="sr-only"> {t('library.favourite')}</span>
          </span>
        )}
        {job.sandbox && <span className="badge sandbox">{t('library.sandbox')}</span>}
        {extensions > 0 && (
          <span className="badge">
            {extensions === 1 ? t('feed.childrenOne') : t('feed.children', { n: extensions })}
          </span>
        )}
      </div>
      {parentId &&
        (parentPrompt !== null ? (
          <button
            type="button"
            className="link tile-parent"
            title={parentPrompt}
            onClick={() => useApp.getState().set({ selected: parentId })}
          >
            {t('feed.extends', { prompt: parentPrompt || t('feed.noPrompt') })}
          </button>
        ) : (
          <p className="muted tile-parent">{t('feed.extendsUnknown')}</p>
        ))}
    </>
  )
}
