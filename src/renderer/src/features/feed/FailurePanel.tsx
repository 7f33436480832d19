import { useState } from 'react'
import type { ExtendInput } from '../../../../shared/contract'
import type { Job } from '../../../../shared/jobs'
import { api, call } from '../../api'
import { useT, type MessageKey } from '../../i18n'
import { useApp } from '../../stores/app'
import { useDraft } from '../../stores/draft'
import { useJobs } from '../../stores/jobs'
import { failureOf, unreachableOf, type FailureAction } from '../../ui/failure'
import { ExtendDialog } from '../extend/ExtendDialog'
import { extendAgainOf } from '../extend/extendable'
import { useGuard } from './guard'
import { rerunWithinCaps } from '../spend/rerun'

// A failure explained where it happened (a feed tile, a queue card): what happened and what to do
// in the person's language, the service's own words, the request id, and the actions that can
// help. Paid actions (Try again, Send again) are sent once.

const LABELS: Record<FailureAction, MessageKey> = {
  edit: 'queue.edit',
  retry: 'failure.tryAgain',
  settings: 'failure.openSettings',
  download: 'queue.retryDownload',
  resend: 'queue.resend',
  recheck: 'queue.recheck',
}

/** Actions that make a task the service may charge for: never twice from one button. */
const PAID: readonly FailureAction[] = ['retry', 'resend']

export function FailurePanel({
  job,
  onEdit,
}: {
  job: Job
  /** Edit and retry (default: the composer, or for an extension its parent's extend dialog). */
  onEdit?: (job: Job) => void
}): React.JSX.Element | null {
  const t = useT()
  const guard = useGuard()
  const [again, setAgain] = useState<{ job: Job; initial: Omit<ExtendInput, 'id'> } | null>(null)
  const failure = failureOf(job, t)
  if (!failure) return null

  const edit = () => {
    if (onEdit) return onEdit(job)
    const extension = extendAgainOf(job, useJobs.getState().byId)
    if (extension) setAgain(extension)
    else useDraft.getState().load(job.kind, job.request)
  }

  const perform = (action: FailureAction) => {
    const id = job.id
    const keep = (next: Job) => useJobs.getState().apply(next)
    switch (action) {
      case 'edit':
        return edit()
      case 'settings':
        return useApp.getState().go('settings')
      case 'retry':
        return guard.run(action, async () => (await rerunWithinCaps(job)) !== null, {
          once: true,
        })
      case 'resend':
        return guard.run(action, () => call(api().tasks.resend({ id })).then(keep), {
          once: true,
        })
      case 'download':
        return guard.run(action, () => call(api().tasks.retryDownload({ id })).then(keep))
      case 'recheck':
        return guard.run(action, () => call(api().tasks.recheck({ id })).then(keep))
    }
  }

  return (
    <div className={`failure failure-${failure.category}`}>
      <p>
        <strong>{failure.title}</strong>
      </p>
      <p>{failure.hint}</p>
      {failure.detail && <p className="failure-detail">{failure.detail}</p>}
      {failure.requestId && (
        <p className="mono failure-id">
          {t('queue.requestId')}: {failure.requestId}
        </p>
      )}
      <div className="failure-actions">
        {failure.actions.map((action) => {
          const sent = PAID.includes(action) && guard.done(action)
          return (
            <button
              key={action}
              type="button"
              className={action === failure.actions[0] ? 'primary' : undefined}
              disabled={guard.busy(action) || sent}
              onClick={() => perform(action)}
            >
              {sent ? t('feed.sent') : t(LABELS[action])}
            </button>
          )
        })}
      </div>
      {again && (
        <ExtendDialog job={again.job} initial={again.initial} onClose={() => setAgain(null)} />
      )}
    </div>
  )
}

function hostOf(address: string | null): string | null {
  if (!address) return null
  try {
    return new URL(address).host
  } catch {
    return address
  }
}

/** A take still waiting to be sent whose address does not answer: the reason, and Settings. */
export function UnreachableNote({ job }: { job: Job }): React.JSX.Element | null {
  const t = useT()
  const current = useApp((s) => s.settings?.baseUrl ?? null)
  const trouble = unreachableOf(job)
  if (!trouble) return null
  // Not sent yet: it goes to the address in Settings.
  const address = trouble.address ?? current
  const host = hostOf(address)
  return (
    <div className="failure failure-unreachable" role="status">
      <p>
        <strong>
          {host ? t('failure.cannotReach', { address: host }) : t('failure.cannotReachSettings')}
        </strong>
      </p>
      <p className="failure-detail">{trouble.reason}</p>
      {trouble.requestId && (
        <p className="mono failure-id">
          {t('queue.requestId')}: {trouble.requestId}
        </p>
      )}
      <p>{t('failure.unreachableHelp')}</p>
      <div className="failure-actions">
        <button type="button" onClick={() => useApp.getState().go('settings')}>
          {t('failure.openSettings')}
        </button>
      </div>
    </div>
  )
}
