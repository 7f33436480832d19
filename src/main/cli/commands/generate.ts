import { isLive, type Job } from '../../../shared/jobs'
import {
  capabilityWarnings,
  validateRequest,
  type VideoKind,
  type VideoRequest,
} from '../../../shared/kling'
import { prepareImages } from '../../inputs'
import type { JobRecord } from '../../tasks/ledger'
import { planTakes } from '../../tasks/takes'
import { describeFieldErrors, numberOrRaw, parseCameraFlag, UsageError } from '../args'
import { CliContext, type Followed } from '../context'
import { checkOutFile } from '../out-file'
import { budgetGuard, dryRun } from '../estimate'
import { parse, PAYING, shellLine, str, type Flags } from '../flags'
import { StatusLine, type CliIo } from '../output'
import { terminalText } from '../terminal-text'
import { concludeTakes, takesFollowed } from './takes-end'

// kling-studio generate: a new video from a prompt (text2video), from a first frame and perhaps a
// last one (--image, --image-tail: image2video) or from 2-4 reference images (--images:
// multi-image2video). Everything is checked before anything is paid for; images are kept in the
// library by content hash, and the job in the history, before the create is sent. --takes 2-4
// makes that many takes of one Generate, as the app's Takes do (one group, the app's id rule).
// --dry-run stops after the checks and prints what the request would cost, sending nothing. A
// spending cap that the jobs would pass stops them before they are written (exit 6), unless
// --over-budget.

const OPTIONS = {
  ...PAYING,
  'dry-run': { type: 'boolean' },
  prompt: { type: 'string' },
  'negative-prompt': { type: 'string' },
  'aspect-ratio': { type: 'string' },
  duration: { type: 'string' },
  mode: { type: 'string' },
  model: { type: 'string' },
  'cfg-scale': { type: 'string' },
  camera: { type: 'string' },
  sound: { type: 'string' },
  image: { type: 'string' },
  'image-tail': { type: 'string' },
  images: { type: 'string' },
  'callback-url': { type: 'string' },
  'external-task-id': { type: 'string' },
  takes: { type: 'string' },
} as const

/** --takes: how many takes of this one Generate (1-4, as in the app); 1 without it. */
function takesOf(flags: Flags, out: string | undefined): number {
  const given = str(flags, 'takes')
  if (given === undefined) return 1
  if (!/^[1-4]$/.test(given.trim()))
    throw new UsageError(`--takes is how many takes of this Generate, 1 to 4 (got "${given}")`)
  const takes = Number(given)
  if (takes > 1 && out !== undefined)
    throw new UsageError(
      '--out names one file; several takes are kept in the library (--wait waits for all of them)',
    )
  return takes
}

function kindOf(flags: Flags): VideoKind {
  if (flags.images !== undefined) {
    if (flags.image !== undefined || flags['image-tail'] !== undefined)
      throw new UsageError('--images cannot be combined with --image or --image-tail')
    return 'multi-image2video'
  }
  if (flags.image !== undefined) return 'image2video'
  if (flags['image-tail'] !== undefined)
    throw new UsageError('--image-tail needs --image (the first frame)')
  return 'text2video'
}

/** The request from the flags, images left out (they are read and kept only once all else passes). */
function requestFrom(
  kind: VideoKind,
  prompt: string | undefined,
  flags: Flags,
): Record<string, unknown> {
  const input: Record<string, unknown> = {}
  const set = (field: string, value: unknown) => {
    if (value !== undefined) input[field] = value
  }
  set('prompt', prompt)
  set('negative_prompt', str(flags, 'negative-prompt'))
  set('aspect_ratio', str(flags, 'aspect-ratio'))
  set('duration', str(flags, 'duration'))
  set('mode', str(flags, 'mode'))
  set('model_name', str(flags, 'model'))
  const cfg = str(flags, 'cfg-scale')
  set('cfg_scale', cfg === undefined ? undefined : numberOrRaw(cfg))
  const camera = str(flags, 'camera')
  set('camera_control', camera === undefined ? undefined : parseCameraFlag(camera))
  set('sound', str(flags, 'sound'))
  set('callback_url', str(flags, 'callback-url'))
  set('external_task_id', str(flags, 'external-task-id'))
  // Placeholders of the right shape, so every rule but the images' own is checked first.
  const placeholder = `input:${'0'.repeat(64)}.png`
  if (kind === 'image2video') {
    input.image = placeholder
    if (flags['image-tail'] !== undefined) input.image_tail = placeholder
  }
  if (kind === 'multi-image2video') {
    const n = String(flags.images)
      .split(',')
      .filter((s) => s.trim() !== '').length
    input.image_list = Array.from({ length: n }, () => ({ image: placeholder }))
  }
  return input
}

export function checkRequest(
  kind: VideoKind,
  input: unknown,
  io: CliIo,
  json: boolean,
): VideoRequest {
  const checked = validateRequest(kind, input)
  if (!checked.ok) throw new UsageError(describeFieldErrors(checked.errors))
  if (!json) {
    for (const w of capabilityWarnings(kind, checked.value)) io.stderr(`warning: ${w.message}\n`)
  }
  return checked.value
}

/** The prompt: the one argument, or --prompt (for a prompt that begins with "-"), not both. */
export function promptOf(positionals: string[], flags: Flags, rest = 0): string | undefined {
  const flag = str(flags, 'prompt')
  if (flag !== undefined && positionals.length > rest)
    throw new UsageError('give the prompt once: as an argument or with --prompt, not both')
  return flag ?? positionals[rest]
}

export async function generate(io: CliIo, args: string[], signal?: AbortSignal): Promise<number> {
  const { flags, positionals } = parse(args, OPTIONS, 'generate')
  const kind = kindOf(flags)
  if (positionals.length > 1) throw new UsageError('generate takes one prompt (quote it)')
  const prompt = promptOf(positionals, flags)
  if (prompt === undefined && kind !== 'image2video')
    throw new UsageError('generate takes exactly one prompt (quote it)')
  const cx = new CliContext(io, flags, signal, 'cli generate')
  const draft = checkRequest(kind, requestFrom(kind, prompt, flags), io, cx.json)
  const takes = takesOf(flags, str(flags, 'out'))
  if (flags['dry-run'] === true) return dryRun(cx, kind, draft, takes)
  const out = await cx.checkOut()
  if (out !== undefined) await checkOutFile(out) // a file can really be written there
  const timeoutMs = cx.timeoutMs() // a bad --timeout is a usage error before anything is paid for
  const client = await cx.client()
  try {
    const studio = cx.studio()
    const { external_task_id: given, ...rest } = draft as VideoRequest & {
      external_task_id?: string
    }
    // The app's rule: an id is spent by any Generate of it, whatever its number of takes.
    const planned = planTakes(given, takes, (id) => studio.ledger.byExternalId(id) !== null)
    if (!planned.ok) {
      throw new UsageError(
        `--external-task-id: ${planned.message.replace(/already used/, 'already used for a job in this history')}`,
      )
    }
    const { externalTaskIds, groupId } = planned.value
    // Refused before its images are kept; checked again in the write that adds the jobs.
    budgetGuard(cx, { kind, request: rest, takes, parentJobId: null })?.()
    const images = await prepareImages(
      {
        image: str(flags, 'image'),
        imageTail: str(flags, 'image-tail'),
        images: str(flags, 'images'),
      },
      { store: studio.inputs, signal },
    )
    const request = { ...rest, ...images } as VideoRequest
    const jobs = externalTaskIds.map((externalTaskId) => ({
      kind,
      request,
      externalTaskId,
      groupId,
    }))
    return await run(cx, client, jobs, out, timeoutMs, flags.wait === true)
  } finally {
    cx.close()
  }
}

/** A job to enqueue: one take of a Generate, or an extension. */
interface RunJob {
  kind: VideoKind
  request: VideoRequest
  externalTaskId: string
  parentJobId?: string
  groupId?: string | null
}

/**
 * Enqueues the jobs (the takes of one Generate, in one write) and follows them: to their end with
 * --wait or --out, else until each is sent (takes-end.ts says when several may be left).
 */
export async function run(
  cx: CliContext,
  client: Awaited<ReturnType<CliContext['client']>>,
  jobs: RunJob[],
  out: string | undefined,
  timeoutMs: number,
  wait: boolean,
): Promise<number> {
  const first = jobs[0]!
  const guard = budgetGuard(cx, {
    kind: first.kind,
    request: first.request,
    takes: jobs.length,
    parentJobId: first.parentJobId ?? null,
  })
  const line = new StatusLine(cx.io, 'Generating')
  const engine = cx.engine(client, line)
  let created: JobRecord[]
  try {
    // The caps are checked in the same write that adds the jobs: no other process slips between.
    created = engine.enqueueAll(jobs, guard)
  } catch (error) {
    line.stop()
    await engine.stop()
    throw error
  }
  if (!cx.json)
    for (const job of created)
      cx.io.stderr(`Job ${job.id} (${job.kind}, external id ${job.externalTaskId})\n`)
  const waitForEnd = wait || out !== undefined
  const ended = (j: Job) =>
    waitForEnd ? !isLive(j.state) : j.state !== 'queued' && j.state !== 'creating'
  const hint = (j: JobRecord) => followHint(cx, j)
  if (created.length > 1) {
    const slots = cx.studio().settings.get().concurrency
    let followed: Followed
    try {
      const ids = created.map((j) => j.id)
      followed = await cx.followAll(engine, ids, timeoutMs, takesFollowed(waitForEnd, slots))
    } finally {
      line.stop()
    }
    return concludeTakes(cx, created, followed, ended, hint)
  }
  let final: JobRecord
  try {
    final = await cx.follow(engine, created[0]!.id, timeoutMs, ended)
  } finally {
    line.stop()
  }
  const code = await cx.conclude(final, out)
  if (!waitForEnd && !cx.json && isLive(final.state)) cx.io.stderr(hint(final))
  return code
}

/** How to follow a task that goes on without us: the exact commands, same history, same address. */
function followHint(cx: CliContext, job: JobRecord): string {
  if (!job.taskId)
    return `Follow it with: ${shellLine(['kling-studio', 'resume', ...cx.placeFlags(true)])}\n`
  // The task id is the service's word: made safe for a terminal.
  const taskId = terminalText(job.taskId)
  const wait = shellLine(['kling-studio', 'wait', taskId, ...cx.placeFlags(true)])
  const status = shellLine(['kling-studio', 'status', taskId, ...cx.placeFlags(false)])
  return `Follow it to the end (and save the video) with: ${wait}\nOne look at it: ${status}\n`
}
