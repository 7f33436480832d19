import { isLive } from '../../../shared/jobs'
import {
  isVideoKind,
  VIDEO_KINDS,
  type KlingTask,
  type VideoKind,
  type VideoRequest,
} from '../../../shared/kling'
import { KlingApiError } from '../../kling/errors'
import type { JobRecord } from '../../tasks/ledger'
import { UsageError } from '../args'
import { CliContext } from '../context'
import { COMMON, parse, str, WAITING, type Flags } from '../flags'
import { EXIT, StatusLine, type CliIo } from '../output'

// The commands about one task by its id: status (one query), wait (follow it to its end) and
// download (save its video). A task of this history is asked about at its own endpoint; another
// one at the endpoint --kind names (text2video unless said).

const KIND = { kind: { type: 'string' } } as const

/** The endpoint to ask: the history's kind for a task it knows (a --kind saying otherwise is refused). */
function kindFor(cx: CliContext, flags: Flags, taskId: string | null): VideoKind {
  const given = str(flags, 'kind')
  if (given !== undefined && !isVideoKind(given))
    throw new UsageError(`--kind must be one of ${VIDEO_KINDS.join(', ')}`)
  const known = taskId ? cx.studio().ledger.byTaskId(taskId)?.kind : undefined
  if (known && given && known !== given)
    throw new UsageError(`--kind: task ${taskId} is a ${known} task in this history, not ${given}`)
  return known ?? (given as VideoKind | undefined) ?? 'text2video'
}

export async function status(io: CliIo, args: string[], signal?: AbortSignal): Promise<number> {
  const { flags, positionals } = parse(
    args,
    {
      ...COMMON,
      ...KIND,
      'external-task-id': { type: 'string' },
    },
    'status',
  )
  const cx = new CliContext(io, flags, signal)
  const external = str(flags, 'external-task-id')
  if ((external === undefined) === (positionals.length === 0) || positionals.length > 1)
    throw new UsageError('status takes a task id, or --external-task-id ID')
  try {
    const known = external !== undefined ? cx.studio().ledger.byExternalId(external) : null
    const kind = known?.kind ?? kindFor(cx, flags, positionals[0] ?? null)
    const client = await cx.client()
    let task: KlingTask | null
    if (external !== undefined) {
      task = await client.videos.find(kind, external, { signal })
      if (!task)
        throw new KlingApiError({
          kind: 'not_found',
          message: `No task has external id ${external}`,
        })
    } else task = await client.videos.get(kind, positionals[0]!, { signal })
    cx.printTask(task)
    return task.task_status === 'failed' ? EXIT.taskFailed : EXIT.done
  } finally {
    cx.close()
  }
}

/**
 * Follows a task to its end through the engine, so its video lands in the library like any
 * other. A task made elsewhere (the web app, another computer) is taken into this history first.
 */
export async function wait(io: CliIo, args: string[], signal?: AbortSignal): Promise<number> {
  const { flags, positionals } = parse(args, { ...WAITING, ...KIND }, 'wait')
  if (positionals.length !== 1) throw new UsageError('wait takes one task id')
  const cx = new CliContext(io, flags, signal, 'cli wait')
  const timeoutMs = cx.timeoutMs()
  await cx.checkOut()
  try {
    const kind = kindFor(cx, flags, positionals[0]!)
    return await follow(cx, await cx.client(), kind, positionals[0]!, timeoutMs)
  } finally {
    cx.close()
  }
}

/** Saves the video of a finished task: in the library, and a copy at --out. */
export async function download(io: CliIo, args: string[], signal?: AbortSignal): Promise<number> {
  const { flags, positionals } = parse(
    args,
    {
      ...COMMON,
      ...KIND,
      out: { type: 'string', short: 'o' },
    },
    'download',
  )
  if (positionals.length !== 1 || !str(flags, 'out'))
    throw new UsageError('download takes one task id and --out FILE')
  const cx = new CliContext(io, flags, signal, 'cli download')
  const taskId = positionals[0]!
  await cx.checkOut()
  try {
    const kind = kindFor(cx, flags, taskId)
    const client = await cx.client()
    const task = await client.videos.get(kind, taskId, { signal })
    if (task.task_status === 'failed') {
      cx.printTask(task)
      return EXIT.taskFailed
    }
    if (task.task_status !== 'succeed') {
      throw new KlingApiError({
        kind: 'not_found',
        message: `Task ${task.task_id} is ${task.task_status}: there is no video yet (use "wait")`,
        requestId: task.request_id,
      })
    }
    return await follow(cx, client, kind, taskId, 10 * 60_000)
  } finally {
    cx.close()
  }
}

async function follow(
  cx: CliContext,
  client: Awaited<ReturnType<CliContext['client']>>,
  kind: VideoKind,
  taskId: string,
  timeoutMs: number,
): Promise<number> {
  // A task made elsewhere is asked about once before it enters the history: an id the service
  // does not know (or a wrong --kind) ends here, not as a job that can never finish.
  let job = cx.studio().ledger.byTaskId(taskId)
  if (!job) {
    await client.videos.get(kind, taskId, { signal: cx.signal })
    job = adopt(cx, kind, taskId, client.baseUrl)
  }
  const line = new StatusLine(cx.io, `Task ${taskId}`)
  const engine = cx.engine(client, line)
  if (job.taskStatus === 'succeed' && !job.saved) engine.retryDownload(job.id)
  engine.watch(job.id)
  let final: JobRecord
  try {
    final = await cx.follow(engine, job.id, timeoutMs, (j) => !isLive(j.state))
  } finally {
    line.stop()
  }
  return cx.conclude(final, str(cx.flags, 'out'))
}

function adopt(cx: CliContext, kind: VideoKind, taskId: string, baseUrl: string): JobRecord {
  const ledger = cx.studio().ledger
  const job = ledger.create({
    kind,
    // Its prompt and options are the service's to know; the history keeps what it learns.
    request: { prompt: '' } as VideoRequest,
    externalTaskId: `ks-adopted-${taskId}`,
  })
  return ledger.update(
    job.id,
    { state: 'submitted', taskId, baseUrl },
    { state: 'submitted', taskStatus: null, message: 'followed from the command line' },
  )
}
