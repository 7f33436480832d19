import { normalDraw } from '../../shared/seeded-random'
import type { AnyRequest, AspectRatio, VideoKind, VideoRequest } from '../../shared/kling'

// The emulator's tasks. Status is a pure function of the clock (no timer per task), so thousands
// of tasks cost nothing while nobody asks about them.

export interface DurationModel {
  /** Median time from create to succeed for std mode, 5 s, in service seconds. */
  meanSeconds: number
  /** Standard deviation of ln(duration). */
  spread: number
}

/** The clip a task makes: decided once, at create. */
export interface ResultShape {
  ratio: AspectRatio
  seconds: number
}

/** What the create handler decided about a request it admitted. */
export interface NewTask {
  kind: VideoKind
  request: VideoRequest
  shape: ResultShape
  /** The model whose rules the result follows (an extension's is its root parent's). */
  model: string
  /** The task an extension extends. */
  parent: EmulatedTask | null
}

export interface EmulatedTask extends NewTask {
  taskId: string
  externalTaskId: string | null
  createdAt: number
  /** Real milliseconds after createdAt at which the task leaves `submitted`. */
  processingAfterMs: number
  /** Real milliseconds after createdAt at which it ends. */
  endsAfterMs: number
  fails: boolean
  createRequests: number
  queryRequests: number
  callbackDeliveries: number
}

export interface TaskSnapshot {
  status: 'submitted' | 'processing' | 'succeed' | 'failed'
  updatedAt: number
}

export const CONTENT_POLICY_MESSAGE =
  'Failure to pass the risk control system: the prompt violates the content policy'

export function snapshot(task: EmulatedTask, now: number): TaskSnapshot {
  const age = now - task.createdAt
  if (age >= task.endsAfterMs) {
    return {
      status: task.fails ? 'failed' : 'succeed',
      updatedAt: task.createdAt + task.endsAfterMs,
    }
  }
  if (age >= task.processingAfterMs)
    return { status: 'processing', updatedAt: task.createdAt + task.processingAfterMs }
  return { status: 'submitted', updatedAt: task.createdAt }
}

/** When a task's result appeared (or will): the start of its lifetime. */
export const resultAt = (task: EmulatedTask): number => task.createdAt + task.endsAfterMs

/** The id of a task's one video: derived from the task id, so it needs no table. */
export const videoIdOf = (task: EmulatedTask): string =>
  (BigInt(task.taskId) + 272_629_824n).toString()

export class TaskStore {
  private readonly byId = new Map<string, EmulatedTask>()
  private readonly byExternal = new Map<string, EmulatedTask>()
  private nextId = 878106242831892487n

  constructor(
    private readonly random: () => number,
    private readonly timeScale: number,
    private readonly durations: DurationModel,
  ) {}

  private serviceToRealMs(seconds: number): number {
    // Whole milliseconds, so "now >= createdAt + after" is exact at every boundary.
    return Math.max(1, Math.round((seconds * 1000) / this.timeScale))
  }

  create(spec: NewTask, now: number): EmulatedTask {
    const request: AnyRequest = spec.request
    // Ids above 2^53, as Kling's are, so a client that reads them as numbers is caught.
    this.nextId += BigInt(1 + Math.floor(this.random() * 1_000_000))
    const fails = (request.prompt ?? '').includes('[fail]')
    const submittedSeconds = 2 + this.random() * 6
    let totalSeconds: number
    if (fails) totalSeconds = submittedSeconds + 3 + this.random() * 12
    else {
      const factor = (request.mode === 'pro' ? 1.5 : 1) * (spec.shape.seconds >= 10 ? 1.6 : 1)
      const median = this.durations.meanSeconds * factor
      totalSeconds = Math.max(
        20,
        median * Math.exp(this.durations.spread * normalDraw(this.random)),
      )
    }
    const task: EmulatedTask = {
      ...spec,
      taskId: this.nextId.toString(),
      externalTaskId: request.external_task_id ?? null,
      createdAt: now,
      processingAfterMs: this.serviceToRealMs(submittedSeconds),
      endsAfterMs: this.serviceToRealMs(Math.max(totalSeconds, submittedSeconds + 1)),
      fails,
      createRequests: 1,
      queryRequests: 0,
      callbackDeliveries: 0,
    }
    this.byId.set(task.taskId, task)
    if (task.externalTaskId !== null) this.byExternal.set(task.externalTaskId, task)
    return task
  }

  byExternalId(id: string): EmulatedTask | undefined {
    return this.byExternal.get(id)
  }

  /** By task id only: what a video-extend body names. */
  byTaskId(id: string): EmulatedTask | undefined {
    return this.byId.get(id)
  }

  /** Kling lets either id stand in the query path; a task answers only under its own kind. */
  lookup(id: string, kind?: VideoKind): EmulatedTask | undefined {
    const task = this.byId.get(id) ?? this.byExternal.get(id)
    return kind === undefined || task?.kind === kind ? task : undefined
  }

  all(): EmulatedTask[] {
    return [...this.byId.values()]
  }
}
