import type { BackoffOptions } from '../kling/http'
import { savingAs } from './engine-claims'
import type { JobRecord } from './ledger'
import { fetchVideo, type FetchDeps } from './steps/fetch-video'
import { poll } from './steps/poll'
import type { Next, StepContext } from './steps/step'
import { submit } from './steps/submit'
import { plainWire } from './steps/wire'
import type { TrackerOptions } from './tracker-options'
import type { Worker } from './worker'

// Which step a job's state calls for (submit, poll or fetch-video), and what each is handed: the
// engine (tracker.ts) decides when a step runs and what follows it, this only which one runs.

export interface StepDeps {
  client: TrackerOptions['client']
  /** The library, saving into this worker's own partial files. */
  library: FetchDeps['library']
  /** The body a create sends. */
  wire: (job: JobRecord) => Promise<Record<string, unknown>>
  requeueBackoff?: BackoffOptions
  onProgress: FetchDeps['onProgress']
}

/** What an engine's steps work with: its client and library (saving as its worker), its options. */
export function stepDeps(o: TrackerOptions, worker: Worker): StepDeps {
  return {
    client: o.client,
    library: savingAs(worker, o.library),
    wire: o.wire ?? plainWire,
    requeueBackoff: o.requeueBackoff,
    onProgress: (jobId, p) => o.emit({ type: 'progress', jobId, ...p }),
  }
}

/** Runs the step the job's state calls for; a state with nothing to do ends the job here. */
export function runStep(ctx: StepContext, deps: StepDeps): Promise<Next> {
  const { client, library, onProgress } = deps
  const sending = { videos: client.videos, wire: deps.wire, requeueBackoff: deps.requeueBackoff }
  switch (ctx.job.state) {
    case 'queued':
    case 'creating':
      return submit(ctx, sending)
    case 'needs_attention':
      // A known task is asked about; an unconfirmed create is only ever looked up first.
      return ctx.job.taskId ? poll(ctx, client) : submit(ctx, sending)
    case 'submitted':
    case 'processing':
      return poll(ctx, client)
    case 'downloading':
      return fetchVideo(ctx, { videos: client.videos, library, onProgress })
    default:
      return Promise.resolve({ end: true })
  }
}
