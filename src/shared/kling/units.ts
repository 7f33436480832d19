import type { VideoKind } from './endpoints'

// What a request will cost in Kling units before it is sent (placeholder: the table is being
// researched; every answer is "unknown" until it lands).

export interface UnitEstimate {
  /** Units for all takes together; null: the table has no answer for this request. */
  units: number | null
  /** Units for one take; null when unknown. */
  perTake: number | null
}

export function estimateUnits(_kind: VideoKind, _request: object, takes = 1): UnitEstimate {
  void takes
  return { units: null, perTake: null }
}
