import { ApiError } from '../../api'

// The draft's one external id and the id a Generate sends. Main names the takes of a person's id
// as it is (one take) or <id>-1 .. <id>-N (several), and refuses a Generate any of whose ids this
// history already used. An id the app made is sent as <id>-1 for one take, so every Generate from
// one draft id, whatever its takes, names <id>-1, and main's check catches a repeat (a reload
// after the create went out, then Generate again with another number of takes).

/** An external id the app made (the person never typed it, so its exact form is ours to choose). */
const APP_MADE = /^ks-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export const isAppMadeId = (id: string): boolean => APP_MADE.test(id)

/** The external_task_id a Generate of `takes` takes sends for the draft's id. */
export function sentExternalId(id: string, takes: number): string {
  return takes === 1 && isAppMadeId(id) ? `${id}-1` : id
}

/** The ids the takes of a Generate will have, as said under the field ("ks-…-1 … ks-…-3"). */
export function sentIdsText(id: string, takes: number): string {
  return takes === 1 ? sentExternalId(id, 1) : `${id}-1 … ${id}-${takes}`
}

/** Main's refusal of a Generate whose external id (or one of its takes' ids) went out before. */
export function isAlreadyUsed(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    error.code === 'invalid_input' &&
    /\bexternal_task_id\b[\s\S]*\balready used\b/i.test(error.message)
  )
}
