import { isLive } from '../../../shared/jobs'
import { KlingApiError } from '../../kling/errors'
import type { JobRecord } from '../../tasks/ledger'
import type { CliContext, Followed } from '../context'
import { CancelledElsewhere, describeJob, EXIT, exitCodeFor, jobJson } from '../output'
import { terminalText } from '../terminal-text'

// The end of a Generate of several takes: every take said in turn, whatever became of it (done,
// failed, needing attention, still on its way, cancelled elsewhere), one line each (--json: one
// JSON line each, with its job_id), so no take, paid for or not, goes unsaid. The exit code is the
// first take's that did not end well; a following that stopped early (time ran out, Ctrl-C) is
// said last, as a single take's would be.

/** Whether a take has gone out (its create answered), so a run without --wait may leave it. */
const sent = (job: JobRecord) => job.state !== 'queued' && job.state !== 'creating'

/**
 * When following the takes may stop: with --wait when every one has ended; without, when every
 * one is sent, or the rest wait only for this process's slots (`slots` takes still rendering).
 */
export function takesFollowed(wait: boolean, slots: number): (jobs: JobRecord[]) => boolean {
  if (wait) return (jobs) => jobs.every((j) => !isLive(j.state))
  return (jobs) =>
    jobs.every(sent) ||
    (!jobs.some((j) => j.state === 'creating') &&
      jobs.filter((j) => sent(j) && isLive(j.state)).length >= slots)
}

export async function concludeTakes(
  cx: CliContext,
  created: JobRecord[],
  followed: Followed,
  ended: (job: JobRecord) => boolean,
  hint: (job: JobRecord) => string,
): Promise<number> {
  let code = 0
  for (const [i, job] of followed.jobs.entries()) {
    if (job === null) {
      const gone = new CancelledElsewhere(created[i]!.id)
      if (cx.json) cx.io.stdout(`${gone.toJson()}\n`)
      else cx.io.stderr(`kling-studio: ${gone.message}\n`)
      code ||= EXIT.cancelled
      continue
    }
    if (!ended(job)) {
      // Still on its way: time ran out, Ctrl-C, or (without --wait) it waits for a slot.
      cx.io.stdout(`${cx.json ? jobJson(job) : describeJob(job)}\n`)
      if (!cx.json) cx.io.stderr(hint(job))
      continue
    }
    try {
      code ||= await cx.conclude(job, undefined)
    } catch (error) {
      if (!(error instanceof KlingApiError)) throw error
      // It needs attention (its create may have reached the service): said with its job.
      if (cx.json) cx.io.stdout(`${jobJson(job, { error: error.toInfo() })}\n`)
      else {
        cx.io.stdout(`${describeJob(job)}\n`)
        cx.io.stderr(`kling-studio: job ${job.id}: ${terminalText(error.describe())}\n`)
      }
      code ||= exitCodeFor(error)
    }
    if (!cx.json && isLive(job.state)) cx.io.stderr(hint(job))
  }
  if (followed.stopped) throw followed.stopped
  return code
}
