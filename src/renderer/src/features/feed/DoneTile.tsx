import { useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { DoneActions, FavouriteToggle } from './DoneActions'
import { DoneMedia } from './DoneMedia'
import { TileHead, type TileProps } from './TileHead'

// A finished take: the video in place (a click plays it in the player), its badges and family,
// a tick for comparing beside its star, and its actions.

export function DoneTile(props: TileProps): React.JSX.Element {
  const { job, shape, take, selected, selectable, onSelect, onExtend, onEdit } = props
  const t = useT()
  return (
    <li className={selected ? 'tile tile-done selected' : 'tile tile-done'}>
      <DoneMedia
        job={job}
        shape={shape}
        onPlay={() => useApp.getState().set({ selected: job.id })}
      />
      <div className="tile-body">
        <TileHead {...props} />
        <div className="tile-marks">
          <label className="tile-select">
            <input
              type="checkbox"
              checked={selected}
              disabled={!selectable}
              onChange={() => onSelect(job.id)}
              aria-label={t('feed.select', { n: take || 1 })}
            />
            <span aria-hidden="true">{t('feed.compareShort')}</span>
          </label>
          <FavouriteToggle job={job} />
        </div>
        <DoneActions job={job} take={take} onExtend={onExtend} onEdit={onEdit} />
      </div>
    </li>
  )
}
