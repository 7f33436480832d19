import { Fragment, useEffect } from 'react'
import type { Job } from '../../../../shared/jobs'
import { useLanguage, useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { useJobs } from '../../stores/jobs'
import { failureOf } from '../../ui/failure'
import { formatDate, formatDuration } from '../../ui/format'
import { bytesText, clockText, resolutionText } from './media'
import { sentElsewhere } from '../settings/sent-elsewhere'
import { optionRows } from './player-options'

// What the player says about a video: why it failed (if it did), its prompt, the options of its
// kind, the facts of its file, its ids and times.

function Failure({ job }: { job: Job }): React.JSX.Element | null {
  const t = useT()
  const failure = failureOf(job, t)
  if (!failure) return null
  return (
    <div className="player-failure">
      <h3>{t('player.failed')}</h3>
      <p>
        <strong>{failure.title}</strong>
      </p>
      {failure.detail && failure.detail !== failure.title && <p>{failure.detail}</p>}
      {failure.requestId && (
        <p className="mono">{t('player.requestId', { id: failure.requestId })}</p>
      )}
    </div>
  )
}

export function PlayerInfo({ job }: { job: Job }): React.JSX.Element {
  const t = useT()
  const language = useLanguage((s) => s.language)
  const facts = useJobs((s) => s.facts[job.id])
  const address = useApp((s) => s.settings?.baseUrl)
  const saved = job.saved

  // Asked again when the file may have changed (saved again: other bytes, a later update).
  const { bytes, updatedAt } = job
  useEffect(() => {
    if (saved) void useJobs.getState().ensureFacts([job.id])
  }, [job.id, saved, bytes, updatedAt])

  const r = job.request
  const resolution = resolutionText(facts)
  const elsewhere = sentElsewhere(job, address)
  return (
    <>
      <Failure job={job} />
      <dl>
        <dt>{t('details.prompt')}</dt>
        <dd>{r.prompt || t('details.none')}</dd>
        {r.negative_prompt && (
          <>
            <dt>{t('details.negative')}</dt>
            <dd>{r.negative_prompt}</dd>
          </>
        )}
        <dt>{t('player.kind')}</dt>
        <dd>{t(`player.kind.${job.kind}`)}</dd>
        {optionRows(job, facts, t).map((row) => (
          <Fragment key={row.key}>
            <dt>{row.label}</dt>
            <dd title={row.title}>{row.value}</dd>
          </Fragment>
        ))}
        {facts && (
          <>
            <dt>{t('player.file')}</dt>
            <dd className="mono">{facts.fileName}</dd>
            {resolution && (
              <>
                <dt>{t('player.resolution')}</dt>
                <dd>{resolution}</dd>
              </>
            )}
            {facts.fps !== null && (
              <>
                <dt>{t('player.fps')}</dt>
                <dd>{t('player.fpsValue', { n: Math.round(facts.fps * 100) / 100 })}</dd>
              </>
            )}
            {facts.durationSeconds !== null && (
              <>
                <dt>{t('player.length')}</dt>
                <dd>{clockText(facts.durationSeconds)}</dd>
              </>
            )}
            <dt>{t('player.size')}</dt>
            <dd>{bytesText(facts.bytes, language)}</dd>
          </>
        )}
        <dt>{t('details.taskId')}</dt>
        <dd className="mono">{job.taskId ?? t('details.none')}</dd>
        <dt>{t('details.externalId')}</dt>
        <dd className="mono">{job.externalTaskId}</dd>
        {elsewhere && (
          <>
            <dt>{t('address.sentTo')}</dt>
            <dd className="mono">{elsewhere}</dd>
          </>
        )}
        <dt>{t('details.created')}</dt>
        <dd>{formatDate(job.submittedAt ?? job.createdAt, language)}</dd>
        <dt>{t('details.finished')}</dt>
        <dd>{formatDate(job.finishedAt, language)}</dd>
        {job.submittedAt !== null && job.finishedAt !== null && (
          <>
            <dt>{t('details.took')}</dt>
            <dd>{formatDuration(job.finishedAt - job.submittedAt)}</dd>
          </>
        )}
        <dt>{t('details.units')}</dt>
        <dd>{job.units ?? t('details.none')}</dd>
      </dl>
    </>
  )
}
