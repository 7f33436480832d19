import { randomUUID } from 'node:crypto'
import { externalTaskId, formatFieldErrors, type FieldError } from '../../shared/kling'
import { takeIdFamily, takeIds } from '../../shared/takes'
import { newExternalTaskId } from '../kling/client'

// The takes of one Generate: each its own job with its own external id, all sharing a group id.
// A person's own external id names one take as it is, and several as <id>-1 .. <id>-N. Every id
// is checked before any job is written, so a refused Generate leaves nothing behind; and an id
// counts as used when any Generate of it did, whatever its number of takes (the window keeps its
// draft's id across a reload, so "the same Generate again, with three takes instead of one" is
// caught as the repeat it is).

export interface Takes {
  externalTaskIds: string[]
  /** Shared by the takes; null for a single take. */
  groupId: string | null
}

/**
 * The ids for `takes` takes, or why they cannot be had: an id the service would not take, or one
 * this history already used (every such id is named, not only the first).
 */
export function planTakes(
  given: string | undefined,
  takes: number,
  used: (externalTaskId: string) => boolean,
): { ok: true; value: Takes } | { ok: false; message: string } {
  const groupId = takes > 1 ? randomUUID() : null
  if (given === undefined) {
    const ids = Array.from({ length: takes }, () => newExternalTaskId())
    return { ok: true, value: { externalTaskIds: ids, groupId } }
  }
  const ids = takeIds(given, takes)
  const naming = takes === 1 ? '' : ` (with ${takes} takes it becomes ${ids[0]} to ${ids.at(-1)})`
  const errors: FieldError[] = []
  for (const id of ids) externalTaskId(id, 'external_task_id', errors)
  if (errors.length > 0)
    return { ok: false, message: formatFieldErrors(errors.slice(0, 1)) + naming }
  const clashes = takeIdFamily(given).filter(used)
  if (clashes.length > 0) {
    const were = clashes.length === 1 ? 'was' : 'were'
    return {
      ok: false,
      message: `external_task_id ${clashes.join(', ')} ${were} already used${naming}`,
    }
  }
  return { ok: true, value: { externalTaskIds: ids, groupId } }
}
