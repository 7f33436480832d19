import type { Job } from '../../../../shared/jobs'
import type { Translate } from '../../i18n'
import {
  editAndGenerate,
  exportVideos,
  play,
  reveal,
  setFavourite,
  takeLastFrame,
  trash,
} from './actions'
import type { MenuItem } from './Menu'

// The right-click menu of a tile: what can be done to that one video, the usual first.

export function tileMenu(job: Job, t: Translate): MenuItem[] {
  const saved = job.saved
  const items: (MenuItem | false)[] = [
    { key: 'play', label: t('browse.menu.play'), onSelect: () => play(job.id) },
    {
      key: 'favourite',
      label: job.favourite ? t('library.unfavourite') : t('library.favourite'),
      onSelect: () => void setFavourite([job.id], !job.favourite, t),
    },
    saved && { key: 'reveal', label: t('library.reveal'), onSelect: () => reveal(job.id) },
    saved && {
      key: 'export',
      label: t('browse.exportOne'),
      onSelect: () => void exportVideos([job.id], t),
    },
    saved && {
      key: 'frame',
      label: t('browse.lastFrame'),
      onSelect: () => takeLastFrame(job),
    },
    { key: 'edit', label: t('library.editRerun'), onSelect: () => editAndGenerate(job) },
    {
      key: 'trash',
      label: t('library.delete'),
      danger: true,
      onSelect: () => void trash([job.id], t),
    },
  ]
  return items.filter((i): i is MenuItem => i !== false)
}
