import type { JobTrouble } from '../../shared/contract'
import type { ApiErrorInfo, KlingTask } from '../../shared/kling'
import { unitsText, type BudgetVerdict } from '../../shared/spend'
import type { KlingApiError } from '../kling/errors'
import type { JobRecord } from '../tasks/ledger'
import { terminalText as tt } from './terminal-text'

export const EXIT = {
  done: 0,
  taskFailed: 1,
  usage: 2,
  api: 3,
  network: 4,
  /** The job was cancelled elsewhere (the app, another command) before it was sent: nothing paid. */
  cancelled: 5,
  /** A spending cap stopped a generate or extend (--over-budget passes it): nothing was sent. */
  overBudget: 6,
  /** The history cannot be used: damaged, held by another process past the wait, or newer. */
  history: 7,
} as const

/**
 * A generate or extend that would pass a spending cap (settings' budget; `kling-studio budget`
 * sets it), refused before its job was written: nothing was created, sent or charged.
 */
export class OverBudget extends Error {
  constructor(readonly verdict: Exclude<BudgetVerdict, { ok: true }>) {
    super(overBudgetText(verdict))
    this.name = 'OverBudget'
  }

  /** As --json prints a failure, with a kind of its own and the numbers of the refusal. */
  toJson(): string {
    const { reason, cap, committed, adding } = this.verdict
    return JSON.stringify({
      error: {
        kind: 'over_budget',
        status: null,
        code: null,
        message: this.message,
        request_id: null,
        cap_reason: reason,
        cap,
        committed,
        adding,
      },
    })
  }
}

function overBudgetText(v: Exclude<BudgetVerdict, { ok: true }>): string {
  const after = 'Nothing was sent. Add --over-budget to send it anyway'
  if (v.reason === 'unknown')
    return `a spending cap is set and the cost of this request is unknown, so it could pass the cap. ${after}.`
  const [period, flag] =
    v.reason === 'daily' ? ["today's", '--daily'] : ["this month's", '--monthly']
  return (
    `over budget: this would take about ${unitsText(v.adding)}, and ${v.committed} of ${period} cap of ` +
    `${v.cap} units are already charged or on their way. ${after}, or raise the cap ` +
    `(kling-studio budget ${flag} N).`
  )
}

/**
 * The job this command was following left the history while still waiting to be sent: another
 * window or process cancelled it. Only a job still queued can be removed (a job whose create went
 * out is never removed), so nothing was sent for it and nothing was charged.
 */
export class CancelledElsewhere extends Error {
  constructor(readonly jobId: string) {
    super(
      `job ${jobId} was cancelled in another window or process before it was sent; nothing was charged`,
    )
    this.name = 'CancelledElsewhere'
  }

  /** As --json prints a failure, with a kind of its own. */
  toJson(): string {
    return JSON.stringify({
      error: {
        kind: 'cancelled',
        status: null,
        code: null,
        message: this.message,
        request_id: null,
      },
    })
  }
}

export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  /** Whether stderr is a terminal that can redraw a status line in place. */
  interactive: boolean
  env: Record<string, string | undefined>
  now: () => number
}

export function exitCodeFor(error: KlingApiError): number {
  switch (error.kind) {
    case 'network':
    case 'timeout':
    case 'aborted':
    case 'ambiguous_create':
      return EXIT.network
    case 'download':
      return error.mayHaveReachedServer ? EXIT.network : EXIT.api
    default:
      return EXIT.api
  }
}

/** The task as `--json` prints it: identifiers as strings, times in milliseconds. */
export function taskJson(task: KlingTask, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    task_id: task.task_id,
    task_status: task.task_status,
    task_status_msg: task.task_status_msg,
    external_task_id: task.external_task_id,
    videos: task.videos.map((v) => ({ id: v.id, url: v.url, duration: v.duration })),
    created_at: task.created_at,
    updated_at: task.updated_at,
    final_unit_deduction: task.final_unit_deduction,
    request_id: task.request_id,
    ...extra,
  })
}

export function errorJson(info: ApiErrorInfo): string {
  return JSON.stringify({ error: info })
}

export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = String(s % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`
}

/** A task as the service described it, for a person: every word of the server's made safe to print. */
export function describeTask(task: KlingTask): string {
  const lines = [
    `Task ${tt(task.task_id)}: ${tt(task.task_status)}${task.task_status_msg ? ` (${tt(task.task_status_msg)})` : ''}`,
  ]
  if (task.external_task_id) lines.push(`  external id: ${tt(task.external_task_id)}`)
  if (task.created_at !== null && task.updated_at !== null && task.updated_at >= task.created_at) {
    lines.push(
      `  time: ${formatElapsed(task.updated_at - task.created_at)} from creation to last update`,
    )
  }
  if (task.final_unit_deduction) lines.push(`  units charged: ${tt(task.final_unit_deduction)}`)
  for (const v of task.videos)
    lines.push(`  video ${tt(v.id)}${v.duration ? ` (${tt(v.duration)} s)` : ''}: ${tt(v.url)}`)
  if (task.request_id) lines.push(`  request id: ${tt(task.request_id)}`)
  return lines.join('\n')
}

/**
 * A one-line live status on a terminal ("processing · 1:23"), redrawn every second and erased
 * when done. Silent when stderr is not a terminal, so logs and pipes stay clean.
 */
export class StatusLine {
  private status = 'submitting'
  private timer: NodeJS.Timeout | undefined
  private readonly started: number
  /** A step that failed here and is tried again (the history held by another program, a full disk). */
  private troubled: JobTrouble | null = null
  /** What was last said of each job's trouble off a terminal, so each is said once. */
  private readonly said = new Map<string, string>()

  constructor(
    private readonly io: CliIo,
    private readonly label: string,
  ) {
    this.started = io.now()
    if (io.interactive) {
      this.timer = setInterval(() => this.draw(), 1000)
      this.timer.unref()
      this.draw()
    }
  }

  /** The status is the service's word: made safe to print, like the note. */
  update(status: string, note = ''): void {
    this.status = note ? `${tt(status)} · ${tt(note)}` : tt(status)
    this.draw()
  }

  /**
   * A step of a job failed here and waits to be tried again (null: one went through). On a
   * terminal it joins the line with its countdown; elsewhere it is said once, unless `quiet`.
   */
  trouble(jobId: string, trouble: JobTrouble | null, quiet = false): void {
    this.troubled = trouble
    this.draw()
    if (this.io.interactive || quiet || !trouble) return
    if (this.said.get(jobId) === trouble.message) return
    this.said.set(jobId, trouble.message)
    const wait = Math.max(0, Math.ceil((trouble.retryAt - this.io.now()) / 1000))
    this.io.stderr(`kling-studio: job ${jobId}: ${trouble.message}; trying again in ${wait} s\n`)
  }

  private draw(): void {
    if (!this.io.interactive) return
    let text = `${this.label} ${this.status} · ${formatElapsed(this.io.now() - this.started)} elapsed`
    if (this.troubled) {
      const wait = Math.max(0, Math.ceil((this.troubled.retryAt - this.io.now()) / 1000))
      text += ` · ${this.troubled.message}, again in ${wait} s`
    }
    this.io.stderr(`\r\x1b[2K${text}`)
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    if (this.io.interactive) this.io.stderr('\r\x1b[2K')
  }
}

/** A job of the history as `--json` prints it: the task's fields, then the job's own. */
export function jobJson(job: JobRecord, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    task_id: job.taskId,
    task_status: job.taskStatus,
    task_status_msg: job.statusMessage,
    external_task_id: job.externalTaskId,
    videos: job.video ? [job.video] : [],
    created_at: job.submittedAt,
    updated_at: job.finishedAt ?? job.updatedAt,
    final_unit_deduction: job.units,
    request_id: job.requestId ?? job.error?.request_id ?? null,
    job_id: job.id,
    kind: job.kind,
    parent_job_id: job.parentJobId,
    group_id: job.groupId,
    state: job.state,
    prompt: job.request.prompt ?? '',
    ...extra,
  })
}

/** A job of the history, for a person: its words (the service's, the prompt) made safe to print. */
export function describeJob(job: JobRecord): string {
  const task = job.taskId ? ` (task ${tt(job.taskId)})` : ''
  const said = job.statusMessage ? `: ${tt(job.statusMessage)}` : ''
  const lines = [
    `Job ${tt(job.id)}: ${tt(job.state)}${task}${said}`,
    `  kind: ${tt(job.kind)}${job.parentJobId ? ` (extends job ${tt(job.parentJobId)})` : ''}`,
    `  prompt: ${tt(job.request.prompt ?? '')}`,
    `  external id: ${tt(job.externalTaskId)}`,
  ]
  if (job.submittedAt !== null && job.finishedAt !== null && job.finishedAt >= job.submittedAt) {
    lines.push(`  time: ${formatElapsed(job.finishedAt - job.submittedAt)} from creation to finish`)
  }
  if (job.units) lines.push(`  units charged: ${tt(job.units)}`)
  if (job.file) lines.push(`  file: ${tt(job.file)}`)
  const requestId = job.requestId ?? job.error?.request_id
  if (requestId) lines.push(`  request id: ${tt(requestId)}`)
  return lines.join('\n')
}
