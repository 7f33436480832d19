import { useEffect } from 'react'
import type { JobTrouble, TroubleKind } from '../../../../shared/contract'
import { useT, type MessageKey } from '../../i18n'
import { useJobs } from '../../stores/jobs'
import { watchTroubles } from '../../stores/trouble-watch'
import { useNow } from './use-now'

// The line a job's card (a feed tile, a queue card) shows while main retries a step of it that
// failed on this computer: what is wrong (the history locked by another program, its disk full,
// ...) and when the next try runs. Gone as soon as a step goes through.

const LEADS: Record<TroubleKind, MessageKey> = {
  locked: 'trouble.locked',
  full: 'trouble.full',
  write: 'trouble.write',
  unexpected: 'trouble.unexpected',
}

export function TroubleNote({ jobId }: { jobId: string }): React.JSX.Element | null {
  useEffect(() => watchTroubles(), [])
  const trouble = useJobs((s) => s.troubles[jobId])
  return trouble ? <TroubleLine trouble={trouble} /> : null
}

/** The line itself, its countdown moving every second (only while there is one). */
function TroubleLine({ trouble }: { trouble: JobTrouble }): React.JSX.Element {
  const t = useT()
  const now = useNow()
  const seconds = Math.ceil((trouble.retryAt - now) / 1000)
  // The try to come: those that failed, and this one.
  const attempt = trouble.attempts + 1
  return (
    <p className="tile-note warning job-trouble" role="status">
      {t(LEADS[trouble.kind] ?? 'trouble.unexpected')}{' '}
      {seconds > 0
        ? t('trouble.retryIn', { seconds, attempt })
        : t('trouble.retryNow', { attempt })}
    </p>
  )
}
