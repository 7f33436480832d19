import type { StatementSync } from 'node:sqlite'
import type { VideoKind, VideoRequest } from '../../shared/kling'

// How long finished real tasks like one took, from create to succeed: what the poll policy learns
// its schedule from (see kling/poll-policy.ts).

/** Seconds from create to succeed of finished real tasks like this one, newest first. */
export function durationsOf(
  prepare: (sql: string) => StatementSync,
  kind: VideoKind,
  request: VideoRequest,
  limit = 200,
): number[] {
  const r = request as Partial<Record<'model_name' | 'mode' | 'duration', string>>
  const rows = prepare(
    `SELECT (finished_at - submitted_at) / 1000.0 AS seconds FROM jobs
     WHERE task_status = 'succeed' AND sandbox = 0 AND submitted_at IS NOT NULL AND finished_at > submitted_at
       AND kind = ? AND COALESCE(model, '') = ? AND json_extract(request_json, '$.mode') IS ?
       AND json_extract(request_json, '$.duration') IS ?
     ORDER BY finished_at DESC LIMIT ?`,
  ).all(kind, r.model_name ?? '', r.mode ?? null, r.duration ?? null, limit) as {
    seconds: number
  }[]
  return rows.map((row) => row.seconds)
}
