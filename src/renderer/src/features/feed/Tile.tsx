import { memo } from 'react'
import { isLive } from '../../../../shared/jobs'
import { useT } from '../../i18n'
import { DoneTile } from './DoneTile'
import { FailurePanel } from './FailurePanel'
import { RunningTile } from './RunningTile'
import { TileHead, type TileProps } from './TileHead'
import { TroubleNote } from './TroubleNote'

// One take of the feed, by where it stands: on its way, finished, or failed (explained, with
// what can be done). A take keeps its place and shape as it moves from one to the next.

function FailedTile(props: TileProps): React.JSX.Element {
  const { job, shape, onEdit } = props
  const t = useT()
  return (
    <li className="tile tile-failed">
      <div className="tile-media tile-wait" style={{ aspectRatio: shape }}>
        <span className="tile-step">{t(`state.${job.state}`)}</span>
      </div>
      <div className="tile-body">
        <TileHead {...props} />
        {/* An unconfirmed create is still looked up: that step too may fail here. */}
        {job.state === 'needs_attention' && <TroubleNote jobId={job.id} />}
        <FailurePanel job={job} onEdit={onEdit} />
      </div>
    </li>
  )
}

export const Tile = memo(function Tile(props: TileProps): React.JSX.Element {
  const { job } = props
  if (isLive(job.state)) return <RunningTile {...props} />
  if (job.state === 'done' && job.saved) return <DoneTile {...props} />
  return <FailedTile {...props} />
})
