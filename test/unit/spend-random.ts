import type { JobState } from '../../src/shared/jobs'
import type { KlingTask, VideoKind, VideoRequest } from '../../src/shared/kling'
import { seededRandom } from '../../src/shared/seeded-random'
import { addDays, localDay, localMidnight } from '../../src/shared/spend'
import type { Ledger } from '../../src/main/tasks/ledger'

// What the money tests (spend-buckets.test.ts) do to a history: jobs made at moments chosen to be
// hard (on a quarter hour, at a local midnight, a millisecond either side), requests of every
// model, mode and duration the unit table knows (and some it does not), and a seeded random run
// of every change that moves money.

export const QUARTER = 900_000
// Friday 30 October 2026, 00:00 UTC: the window runs over the end of summer time in Europe
// (25 October) and North America (1 November), and Lord Howe's start of summer (4 October) is
// in the summary's range.
export const T0 = Date.UTC(2026, 9, 30)
export const WINDOW = 6 * 86_400_000

export const MODELS = [
  'kling-v1',
  'kling-v1-6',
  'kling-v2-6',
  'kling-v3',
  'kling-v9',
  '',
  undefined,
]
export const UNITS = ['1', '3.5', '0.6', '2.25', '0', '', 'abc', '4.2', '10']
export const STATES: JobState[] = [
  'queued',
  'creating',
  'submitted',
  'processing',
  'downloading',
  'done',
  'failed',
  'expired',
  'needs_attention',
]

/** A moment in the window: often on a quarter hour or a local midnight, or a millisecond off. */
export function moment(random: () => number): number {
  const r = random()
  const off = [0, -1, 1][Math.floor(random() * 3)]!
  if (r < 0.25) return T0 + Math.floor((random() * WINDOW) / QUARTER) * QUARTER + off
  if (r < 0.4) return localMidnight(addDays(localDay(T0), Math.floor(random() * 6))) + off
  return T0 + Math.floor(random() * WINDOW)
}

export function request(random: () => number): VideoRequest {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]
  const r: Record<string, unknown> = { prompt: `p${Math.floor(random() * 1e6)}` }
  const model = pick(MODELS)
  if (model !== undefined) r.model_name = model
  if (random() < 0.6) r.mode = pick(['std', 'pro'])
  if (random() < 0.6) r.duration = pick(['5', '10', '7'])
  if (random() < 0.2) r.sound = 'on'
  return r as unknown as VideoRequest
}

/**
 * A seeded random run of everything that changes money on `ledger`: creates, takes, rebuilt jobs
 * (an extension before the video it extends), state changes, charges reported (also "" and
 * garbage), answers of the service, sandbox flips, deletes (roots of chains too). `check` runs
 * every 50 steps and at the end.
 */
export function randomOps(
  ledger: Ledger,
  seed: number,
  steps: number,
  check: (random: () => number) => void,
): void {
  const random = seededRandom(seed)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!
  const ids: string[] = []
  const waiting: string[] = [] // parents named by a rebuilt extension, not rebuilt yet
  let n = 0
  const newJob = (kind: VideoKind, parent: string | null) => ({
    kind,
    request: kind === 'video-extend' ? ({ prompt: 'more' } as VideoRequest) : request(random),
    externalTaskId: `ks-r${seed}-${n++}`,
    sandbox: random() < 0.1,
    parentJobId: parent,
    createdAt: moment(random),
  })
  const someParent = () => (ids.length > 0 && random() < 0.9 ? pick(ids) : 'gone')
  const kindOf = (): VideoKind =>
    random() < 0.3 ? 'video-extend' : random() < 0.5 ? 'image2video' : 'text2video'
  for (let step = 0; step < steps; step++) {
    const r = random()
    const id = ids.length > 0 ? pick(ids) : null
    if (r < 0.25 || id === null) {
      const kind = kindOf()
      ids.push(ledger.create(newJob(kind, kind === 'video-extend' ? someParent() : null)).id)
    } else if (r < 0.3) {
      const takes = [1, 2, 3].map(() => newJob('text2video', null))
      ids.push(...ledger.createAll(takes).map((j) => j.id))
    } else if (r < 0.37) {
      // A rebuilt extension may come before the video it extends; that one comes later.
      const parentWaits = waiting.length > 0 && random() < 0.5
      const jobId = parentWaits ? waiting.shift()! : `saved-${seed}-${n++}`
      const kind: VideoKind = parentWaits ? 'text2video' : kindOf()
      const parent = kind === 'video-extend' ? `saved-${seed}-${n++}` : null
      if (parent) waiting.push(parent)
      ledger.importSaved({
        id: jobId,
        externalTaskId: `ks-${jobId}`,
        taskId: `t-${jobId}`,
        kind,
        parentJobId: parent,
        request: request(random),
        sandbox: random() < 0.1,
        favourite: false,
        createdAt: moment(random),
        submittedAt: null,
        finishedAt: null,
        units: random() < 0.5 ? pick(UNITS) : null,
        video: null,
        file: `/library/${jobId}.mp4`,
        bytes: 1,
      })
      ids.push(jobId)
    } else if (r < 0.55) ledger.setState(id, pick(STATES))
    else if (r < 0.7) ledger.update(id, { state: pick(['done', 'failed']), units: pick(UNITS) })
    else if (r < 0.78) {
      const status = pick(['processing', 'succeed', 'failed'])
      const task: KlingTask = {
        task_id: `t-${id}`,
        task_status: status,
        task_status_msg: '',
        external_task_id: null,
        videos:
          status === 'succeed'
            ? [{ id: 'v', url: 'https://cdn.example/v.mp4', duration: '5' }]
            : [],
        created_at: null,
        updated_at: null,
        final_unit_deduction: pick(['0', '2', '', null]),
        request_id: null,
      }
      ledger.applyTask(id, task)
    } else if (r < 0.84) {
      ledger.db.prepare('UPDATE jobs SET sandbox = 1 - sandbox WHERE id = ?').run(id)
    } else if (r < 0.92) {
      // Deletes favour the oldest jobs: the roots of chains.
      const gone = random() < 0.5 ? ids[Math.floor(random() * Math.min(ids.length, 8))]! : id
      ledger.remove(gone)
      ids.splice(ids.indexOf(gone), 1)
    } else ids.push(ledger.create(newJob('video-extend', someParent())).id)
    if (step % 50 === 49) check(random)
  }
  check(random)
}
