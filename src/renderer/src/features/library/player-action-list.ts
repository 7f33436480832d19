import type { Job } from '../../../../shared/jobs'
import { api, call } from '../../api'
import type { Translate } from '../../i18n'
import { useJobs } from '../../stores/jobs'
import { failureOf } from '../../ui/failure'
import {
  copyPrompt,
  editAndGenerate,
  exportVideos,
  openExternally,
  reveal,
  setFavourite,
  takeLastFrame,
  trash,
} from './actions'
import type { MenuItem } from './Menu'
import { rerunWithinCaps } from '../spend/rerun'

// The player's actions for one job, by importance: the one primary action its state calls for,
// the secondary ones, and the rarely wanted ones for the "More" menu. An action marked `paid`
// makes a new task at the service (each rerun is a new external id), so it is sent once only.

export interface Action {
  key: string
  label: string
  /** Makes a paid task: once it succeeded, its button stays "Sent". */
  paid?: boolean
  run(): Promise<unknown> | void
}

/** Resolves false when the person declined to pass a spending cap (nothing was sent). */
const rerun = (job: Job) => async () => (await rerunWithinCaps(job)) !== null

/** Export a saved video; retry a failed one; fetch one the service made but is not saved. */
export function primaryOf(job: Job, t: Translate): Action | null {
  if (job.saved)
    return { key: 'export', label: t('player.export'), run: () => exportVideos([job.id], t) }
  if (job.state === 'failed' && failureOf(job, t)?.retryable !== false)
    return { key: 'rerun', label: t('queue.retry'), paid: true, run: rerun(job) }
  if (job.taskStatus === 'succeed' && job.state !== 'expired')
    return {
      key: 'download',
      label: t('queue.retryDownload'),
      run: async () => {
        useJobs.getState().apply(await call(api().tasks.retryDownload({ id: job.id })))
      },
    }
  return null
}

export function secondaryOf(
  job: Job,
  t: Translate,
  o: { onLeave(): void; extend?: () => void },
): Action[] {
  const finished = job.state === 'done' || job.state === 'expired'
  const list: (Action | false)[] = [
    {
      key: 'favourite',
      label: job.favourite ? t('library.unfavourite') : t('library.favourite'),
      run: () => setFavourite([job.id], !job.favourite, t),
    },
    job.saved && { key: 'frame', label: t('browse.lastFrame'), run: () => takeLastFrame(job) },
    !!o.extend && { key: 'extend', label: t('player.extend'), run: () => o.extend?.() },
    finished && { key: 'rerun', label: t('library.rerun'), paid: true, run: rerun(job) },
    {
      key: 'edit',
      label: t('library.editRerun'),
      run: () => {
        editAndGenerate(job)
        o.onLeave()
      },
    },
  ]
  return list.filter((a): a is Action => a !== false)
}

export function moreOf(job: Job, t: Translate, onLeave: () => void): MenuItem[] {
  const list: (MenuItem | false)[] = [
    job.saved && { key: 'reveal', label: t('library.reveal'), onSelect: () => reveal(job.id) },
    job.saved && {
      key: 'open',
      label: t('player.openExternal'),
      onSelect: () => openExternally(job.id),
    },
    {
      key: 'copy',
      label: t('library.copy'),
      onSelect: () => copyPrompt(job, t),
    },
    {
      key: 'trash',
      label: t('library.delete'),
      danger: true,
      onSelect: () =>
        void trash([job.id], t).then((gone) => {
          // Only when its video went: a refused delete leaves the player on it, with the notice.
          if (gone.includes(job.id)) onLeave()
        }),
    },
  ]
  return list.filter((i): i is MenuItem => i !== false)
}
