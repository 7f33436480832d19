import { capabilityWarnings, findModel, type VideoRequest } from '../../../shared/kling'
import { newExternalTaskId } from '../../kling/client'
import { RESULT_LIFETIME_MS } from '../../tasks/tracker'
import { describeFieldErrors, numberOrRaw, UsageError } from '../args'
import { CliContext } from '../context'
import { checkOutFile } from '../out-file'
import { budgetGuard } from '../estimate'
import { parse, PAYING, str } from '../flags'
import type { CliIo } from '../output'
import { terminalText } from '../terminal-text'
import { checkRequest, promptOf, run } from './generate'

// kling-studio extend <job-or-task-id> [prompt]: about 5 s more of a finished video of this
// history (video-extend). The parent is named by its job id, task id or external id; it must have
// a video whose link still lives. The new job remembers its parent, so `list` shows the lineage.
// It is priced by the model and mode of the video it extends; a spending cap it would pass stops
// it (exit 6), unless --over-budget.

const OPTIONS = {
  ...PAYING,
  prompt: { type: 'string' },
  'negative-prompt': { type: 'string' },
  'cfg-scale': { type: 'string' },
  'callback-url': { type: 'string' },
  'external-task-id': { type: 'string' },
} as const

export async function extend(io: CliIo, args: string[], signal?: AbortSignal): Promise<number> {
  const { flags, positionals } = parse(args, OPTIONS, 'extend')
  if (positionals.length < 1 || positionals.length > 2)
    throw new UsageError('extend takes a job or task id, then an optional prompt (quote it)')
  const cx = new CliContext(io, flags, signal, 'cli extend')
  const out = await cx.checkOut()
  if (out !== undefined) await checkOutFile(out) // a file can really be written there
  const timeoutMs = cx.timeoutMs()
  try {
    const ledger = cx.studio().ledger
    const parent = ledger.resolve(positionals[0]!)
    if (!parent) throw new UsageError(`extend: no job or task ${positionals[0]} in this history`)
    if (parent.sandbox)
      throw new UsageError(
        `extend: job ${parent.id} was made in the app's sandbox; extend it there`,
      )
    if (!parent.taskId || !parent.video || parent.taskStatus !== 'succeed')
      throw new UsageError(
        `extend: job ${parent.id} has no finished video to extend (it is ${parent.state})`,
      )
    if (io.now() - (parent.finishedAt ?? parent.updatedAt) > RESULT_LIFETIME_MS)
      throw new UsageError(
        `extend: the video of job ${parent.id} has expired on the service (results live 30 days)`,
      )
    const parentModel = (parent.request as { model_name?: string }).model_name
    if (!cx.json) {
      const w = capabilityWarnings('video-extend', { model_name: parentModel } as never)
      for (const x of w)
        io.stderr(
          `warning: the parent was made with ${terminalText(findModel(parentModel)?.name ?? parentModel ?? '')}: ${x.message}\n`,
        )
    }
    const input: Record<string, unknown> = { task_id: parent.taskId, video_id: parent.video.id }
    const prompt = promptOf(positionals, flags, 1)
    if (prompt !== undefined) input.prompt = prompt
    if (str(flags, 'negative-prompt') !== undefined)
      input.negative_prompt = str(flags, 'negative-prompt')
    const cfg = str(flags, 'cfg-scale')
    if (cfg !== undefined) input.cfg_scale = numberOrRaw(cfg)
    if (str(flags, 'callback-url') !== undefined) input.callback_url = str(flags, 'callback-url')
    if (str(flags, 'external-task-id') !== undefined)
      input.external_task_id = str(flags, 'external-task-id')
    const checked = checkRequest('video-extend', input, io, true)
    const { external_task_id: given, ...request } = checked as VideoRequest & {
      external_task_id?: string
    }
    const externalTaskId = given ?? newExternalTaskId()
    if (ledger.byExternalId(externalTaskId))
      throw new UsageError(
        describeFieldErrors([
          {
            field: 'external_task_id',
            message: `external_task_id ${externalTaskId} was already used`,
          },
        ]),
      )
    // Refused before the key is read; checked again in the write that adds the job.
    budgetGuard(cx, { kind: 'video-extend', request, takes: 1, parentJobId: parent.id })?.()
    const client = await cx.client()
    return await run(
      cx,
      client,
      [
        {
          kind: 'video-extend',
          request: request as VideoRequest,
          externalTaskId,
          parentJobId: parent.id,
        },
      ],
      out,
      timeoutMs,
      flags.wait === true,
    )
  } finally {
    cx.close()
  }
}
