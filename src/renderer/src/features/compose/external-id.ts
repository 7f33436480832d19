import { takeIds } from '../../../../shared/takes'
import { ApiError } from '../../api'

// The draft's one external id, and the ids its takes get. Main names the takes of an id as it is
// (one take) or <id>-1 .. <id>-N (several), and refuses a Generate of an id any earlier Generate
// of it used, whatever the number of takes: a reload after the create went out, then Generate
// again (even with another number of takes), is caught as the repeat it is. Only an id the app
// made can have been spent by this draft; an id the person typed may clash with an older job.

/** The shape of the ids the app makes (newExternalId): ks- and a random UUID. */
const APP_MADE_ID = /^ks-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** Whether an external id is one the app made, not one the person typed. */
export function isAppMadeId(id: string | null | undefined): boolean {
  return typeof id === 'string' && APP_MADE_ID.test(id.trim())
}

/** The ids the takes of a Generate will have, as said under the field ("ks-…-1 … ks-…-3"). */
export function sentIdsText(id: string, takes: number): string {
  const ids = takeIds(id, takes)
  return ids.length === 1 ? ids[0]! : `${ids[0]} … ${ids.at(-1)}`
}

/** Main's refusal of a Generate whose external id (or one of its takes' ids) went out before. */
export function isAlreadyUsed(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    error.code === 'invalid_input' &&
    /\bexternal_task_id\b[\s\S]*\balready used\b/i.test(error.message)
  )
}
