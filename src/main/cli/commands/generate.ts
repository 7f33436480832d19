import { takeIdFamily } from '../../../shared/takes'
import { isLive } from '../../../shared/jobs'
import {
  capabilityWarnings,
  validateRequest,
  type VideoKind,
  type VideoRequest,
} from '../../../shared/kling'
import { prepareImages } from '../../inputs'
import { newExternalTaskId } from '../../kling/client'
import type { JobRecord } from '../../tasks/ledger'
import { describeFieldErrors, numberOrRaw, parseCameraFlag, UsageError } from '../args'
import { CliContext } from '../context'
import { checkOutFile } from '../out-file'
import { budgetGuard, dryRun } from '../estimate'
import { parse, PAYING, shellLine, str, type Flags } from '../flags'
import { StatusLine, type CliIo } from '../output'
import { terminalText } from '../terminal-text'

// kling-studio generate: a new video from a prompt (text2video), from a first frame and perhaps a
// last one (--image, --image-tail: image2video) or from 2-4 reference images (--images:
// multi-image2video). Everything is checked before anything is paid for; images are kept in the
// library by content hash, and the job in the history, before the create is sent. --dry-run
// stops after the checks and prints what the request would cost, sending nothing. A spending cap
// that the job would pass stops it before it is written (exit 6), unless --over-budget.

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
} as const

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
  if (flags['dry-run'] === true) return dryRun(cx, kind, draft)
  const out = await cx.checkOut()
  if (out !== undefined) await checkOutFile(out) // a file can really be written there
  const timeoutMs = cx.timeoutMs() // a bad --timeout is a usage error before anything is paid for
  const client = await cx.client()
  try {
    const studio = cx.studio()
    const { external_task_id: given, ...rest } = draft as VideoRequest & {
      external_task_id?: string
    }
    const externalTaskId = given ?? newExternalTaskId()
    // The app's rule: an id is spent by any Generate of it, whatever its number of takes.
    const used = takeIdFamily(externalTaskId).filter((id) => studio.ledger.byExternalId(id))
    if (used.length > 0) {
      throw new UsageError(
        `--external-task-id: external_task_id ${used.join(', ')} was already used for a job in this history`,
      )
    }
    // Refused before its images are kept; checked again in the write that adds the job.
    budgetGuard(cx, { kind, request: rest, takes: 1, parentJobId: null })?.()
    const images = await prepareImages(
      {
        image: str(flags, 'image'),
        imageTail: str(flags, 'image-tail'),
        images: str(flags, 'images'),
      },
      { store: studio.inputs, signal },
    )
    const request = { ...rest, ...images } as VideoRequest
    return await run(
      cx,
      client,
      { kind, request, externalTaskId },
      out,
      timeoutMs,
      flags.wait === true,
    )
  } finally {
    cx.close()
  }
}

/** Enqueues one job and follows it: to its end with --wait or --out, else until it is sent. */
export async function run(
  cx: CliContext,
  client: Awaited<ReturnType<CliContext['client']>>,
  job: { kind: VideoKind; request: VideoRequest; externalTaskId: string; parentJobId?: string },
  out: string | undefined,
  timeoutMs: number,
  wait: boolean,
): Promise<number> {
  const guard = budgetGuard(cx, { ...job, takes: 1, parentJobId: job.parentJobId ?? null })
  const line = new StatusLine(cx.io, 'Generating')
  const engine = cx.engine(client, line)
  let created: JobRecord
  try {
    // The caps are checked in the same write that adds the job: no other process slips between.
    created = engine.enqueueAll([job], guard)[0]!
  } catch (error) {
    line.stop()
    await engine.stop()
    throw error
  }
  if (!cx.json) cx.io.stderr(`Job ${created.id} (${job.kind}, external id ${job.externalTaskId})\n`)
  const waitForEnd = wait || out !== undefined
  let final: JobRecord
  try {
    final = await cx.follow(engine, created.id, timeoutMs, (j) =>
      waitForEnd ? !isLive(j.state) : j.state !== 'queued' && j.state !== 'creating',
    )
  } finally {
    line.stop()
  }
  const code = await cx.conclude(final, out)
  if (!waitForEnd && !cx.json && isLive(final.state)) cx.io.stderr(followHint(cx, final))
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
