import type { Job } from '../../../shared/jobs'
import type { ApiErrorInfo, ApiErrorKind } from '../../../shared/kling'
import type { MessageKey, Translate } from '../i18n'

// Why a job failed, in the person's words, by category, and what they can do about it: one
// sentence for what happened, one for what to do, the service's own words and the request id.
// A failure that would fail the same way again (content policy, a refused request) offers Edit
// and retry, never a Retry that pays for nothing; a video the service made but the app could not
// save offers the free download, never a new task.

export type FailureCategory =
  | 'content_policy'
  | 'credit'
  | 'key'
  | 'request'
  | 'busy'
  | 'unreachable'
  | 'service'
  | 'download'
  | 'expired'
  | 'unconfirmed'
  | 'other'

/** What a person can do about a failure, most useful first. */
export type FailureAction =
  /** Load the request into the composer to change it (no task is made). */
  | 'edit'
  /** The same request again: a new task (tasks.rerun). */
  | 'retry'
  /** The key or the API address (Settings). */
  | 'settings'
  /** Fetch the finished video again (free: tasks.retryDownload). */
  | 'download'
  /** Send an unconfirmed create again under its own external id (tasks.resend). */
  | 'resend'
  /** Ask the service about it now (tasks.recheck). */
  | 'recheck'

export interface FailureInfo {
  category: FailureCategory
  /** One line in the person's language: what happened. */
  title: string
  /** One line in the person's language: what to do about it. */
  hint: string
  /** The server's own words (key already scrubbed by main), for detail. */
  detail: string
  requestId: string | null
  /** Whether sending the same request again can help (false: Edit and retry instead). */
  retryable: boolean
  actions: FailureAction[]
}

/** Words a service uses when its moderation refused a prompt or an image. */
const POLICY_TEXT =
  /risk control|content (?:security|moderation|policy|filter|review)|moderation|sensitive|inappropriate|prohibited|nsfw|violat\w*\s.{0,40}(?:polic|guideline|rule|term)/i

const POLICY_CODES = new Set(['1300', '1301'])

/** Saving the video failed on this computer (main's codes local_disk_full, local_read_only...). */
const isLocal = (job: Job): boolean => job.error?.code?.startsWith('local_') === true

/** Main's code for a gateway that cannot look a task up by its external id. */
const LOOKUP_UNSUPPORTED = 'external_id_lookup_unsupported'

const BY_KIND: Record<ApiErrorKind, FailureCategory> = {
  authentication: 'key',
  insufficient_credit: 'credit',
  rate_limited: 'busy',
  too_many_tasks: 'busy',
  invalid_request: 'request',
  content_policy: 'content_policy',
  not_found: 'request',
  server: 'service',
  network: 'unreachable',
  timeout: 'unreachable',
  unreadable_response: 'service',
  ambiguous_create: 'unconfirmed',
  aborted: 'other',
  download: 'download',
}

function byStatus(status: number | null): FailureCategory | null {
  if (status === null) return null
  if (status === 401 || status === 403) return 'key'
  if (status === 402) return 'credit'
  if (status === 429) return 'busy'
  if (status >= 300 && status < 400) return 'unreachable'
  if (status >= 400 && status < 500) return 'request'
  if (status >= 500) return 'service'
  return null
}

function byError(error: ApiErrorInfo): FailureCategory {
  // A redirect or a web page where the API should be: the address is wrong, not the service.
  if (
    error.kind === 'unreadable_response' &&
    error.status !== null &&
    error.status >= 300 &&
    error.status < 400
  )
    return 'unreachable'
  return BY_KIND[error.kind] ?? byStatus(error.status) ?? 'other'
}

/** The category of an ended or stuck job (null: it has not failed). Pure, for tests. */
export function categoryOf(job: Job): FailureCategory | null {
  if (job.state === 'expired') return 'expired'
  if (job.state === 'needs_attention') return 'unconfirmed'
  if (job.state !== 'failed') return null
  // The service made the video; only saving it failed. Fetching it again is free.
  if (job.taskStatus === 'succeed') return 'download'
  const error = job.error
  const words = `${job.statusMessage} ${error?.message ?? ''}`
  if (
    error?.kind === 'content_policy' ||
    (error?.code != null && POLICY_CODES.has(error.code)) ||
    POLICY_TEXT.test(words)
  )
    return 'content_policy'
  if (error) return byError(error)
  // The service ended the task as failed and gave no kind: whatever it said, asking again may work.
  return 'other'
}

const ACTIONS: Record<FailureCategory, FailureAction[]> = {
  content_policy: ['edit'],
  credit: ['retry'],
  key: ['settings', 'retry'],
  request: ['edit'],
  busy: ['retry'],
  unreachable: ['settings', 'retry'],
  service: ['retry'],
  download: ['download'],
  expired: ['edit'],
  unconfirmed: ['recheck'],
  other: ['retry', 'edit'],
}

function actionsOf(job: Job, category: FailureCategory): FailureAction[] {
  // An unconfirmed create with no task id may be sent again, under its own id only.
  if (category === 'unconfirmed' && job.taskId === null) return ['resend', 'recheck']
  // Saving failed on this computer (disk full, a read-only folder): make room or move the library.
  if (category === 'download' && isLocal(job)) return ['download', 'settings']
  // A lapsed link the service may still renew: the download is tried before anything is paid.
  if (category === 'expired' && job.taskStatus === 'succeed') return ['download', 'edit']
  return ACTIONS[category]
}

/** Null for a job that has not failed. */
export function failureOf(job: Job, t: Translate): FailureInfo | null {
  const category = categoryOf(job)
  if (category === null) return null
  const actions = actionsOf(job, category)
  // A gateway that cannot look tasks up by their external id: a resend may be charged twice.
  const unseen = category === 'unconfirmed' && job.error?.code === LOOKUP_UNSUPPORTED
  const hintKey: MessageKey = unseen
    ? 'failure.unconfirmed.unseen.hint'
    : category === 'download' && isLocal(job)
      ? 'failure.download.local.hint'
      : (`failure.${category}.hint` as MessageKey)
  return {
    category,
    title: t(`failure.${category}` as MessageKey),
    hint: t(hintKey),
    detail: job.statusMessage || job.error?.message || '',
    requestId: job.error?.request_id ?? job.requestId,
    retryable: actions.includes('retry'),
    actions,
  }
}

/** A job still waiting to be sent whose last try could not reach the API address. */
export interface Unreachable {
  /** Main's own words for it (the key is never in them). */
  reason: string
  /** Where it was being sent (null: not sent yet; the address in Settings). */
  address: string | null
  requestId: string | null
}

export function unreachableOf(job: Job): Unreachable | null {
  if ((job.state !== 'queued' && job.state !== 'creating') || !job.error) return null
  if (byError(job.error) !== 'unreachable') return null
  return { reason: job.error.message, address: job.baseUrl, requestId: job.error.request_id }
}
