import type { ExtendInput, Handlers } from '../../shared/contract'
import type { Job, JobState } from '../../shared/jobs'
import {
  formatFieldErrors,
  validateRequest,
  type VideoKind,
  type VideoRequest,
} from '../../shared/kling'
import { checkMasks, factsFromStore, type InputStore } from '../inputs'
import type { JobRecord, Ledger } from '../tasks/ledger'
import type { LedgerReader } from '../tasks/ledger-reader'
import { planTakes } from '../tasks/takes'
import { RESULT_LIFETIME_MS } from '../tasks/tracker'
import { CallError } from './call-error'
import { publicJob } from './desktop'
import type { EmitFn, Runner } from './runner'
import type { SpendService } from './spend-service'

// The jobs: making them (a generation of 1-4 takes, an extension, a rerun with changes), reading
// them, asking the engine to look again, send again or fetch again, and cancelling one that is
// still waiting here. Every paid Generate passes the budget caps in the same write that adds its
// jobs, unless the person chose to pass them (overBudget).

/** Why a job that is no longer waiting here cannot be cancelled. */
function notCancellable(state: JobState): string {
  return (
    `This job cannot be cancelled: it was already sent to Kling (it is ${state.replace('_', ' ')}), ` +
    'and Kling cannot cancel a task once it is sent. Only a job still waiting in the queue here can be cancelled.'
  )
}

export class JobService {
  constructor(
    private readonly o: {
      ledger: Ledger
      reader: LedgerReader
      runner: Runner
      emit: EmitFn
      inputs: InputStore
      spend: Pick<SpendService, 'guard'>
    },
  ) {}

  job(id: string): JobRecord {
    const job = this.o.ledger.get(id)
    if (!job) throw new CallError('not_found', `No job ${id}`)
    return job
  }

  /** One Generate: `takes` jobs (1-4), all written before any is sent, or none at all. */
  async create(
    kind: VideoKind,
    request: VideoRequest,
    parentJobId: string | null = null,
    takes = 1,
    overBudget = false,
  ): Promise<Job[]> {
    const { external_task_id: given, ...rest } = request as VideoRequest & {
      external_task_id?: string
    }
    // The one image rule across fields: a mask has its image's pixel size.
    const masks = await checkMasks(kind, rest, factsFromStore(this.o.inputs))
    if (masks.length > 0) throw new CallError('invalid_input', formatFieldErrors(masks))
    const sandbox = this.o.runner.sandboxState().on
    const engine = await this.o.runner.engineFor({ sandbox, baseUrl: null })
    // Checked after the last wait, so nothing can take an id between the check and the write.
    const planned = planTakes(given, takes, (id) => this.o.ledger.byExternalId(id) !== null)
    if (!planned.ok) throw new CallError('invalid_input', planned.message)
    const { externalTaskIds, groupId } = planned.value
    const guard = this.o.spend.guard({
      kind,
      request: rest as VideoRequest,
      takes: externalTaskIds.length,
      parentJobId,
      sandbox,
      overBudget,
    })
    try {
      const jobs = engine.enqueueAll(
        externalTaskIds.map((externalTaskId) => ({
          kind,
          request: rest as VideoRequest,
          externalTaskId,
          sandbox,
          parentJobId,
          groupId,
        })),
        guard,
      )
      return jobs.map(publicJob)
    } catch (error) {
      // The command line took one of the ids meanwhile: the whole Generate was rolled back.
      if (error instanceof Error && /UNIQUE.*external_task_id/.test(error.message))
        throw new CallError('invalid_input', `external_task_id ${given} was already used`)
      throw error
    }
  }

  /** The one job of a single take (an extension, a rerun). */
  private async createOne(
    kind: VideoKind,
    request: VideoRequest,
    parentJobId: string | null,
    overBudget: boolean,
  ): Promise<Job> {
    return (await this.create(kind, request, parentJobId, 1, overBudget))[0]!
  }

  /** About 5 s more of a finished video, named by its job: main fills in the service's ids. */
  extend({ id, overBudget, ...text }: ExtendInput): Promise<Job> {
    const parent = this.job(id)
    if (!parent.taskId || !parent.video || parent.taskStatus !== 'succeed')
      throw new CallError('invalid_state', 'Only a finished video can be extended')
    if (Date.now() - (parent.finishedAt ?? parent.updatedAt) > RESULT_LIFETIME_MS)
      throw new CallError(
        'invalid_state',
        'This video has expired on the service (results live 30 days)',
      )
    if (parent.sandbox !== this.o.runner.sandboxState().on)
      throw new CallError(
        'invalid_state',
        'A sandbox video can only be extended in sandbox mode, and a real one only outside it',
      )
    const checked = validateRequest('video-extend', {
      task_id: parent.taskId,
      video_id: parent.video.id,
      ...text,
    })
    if (!checked.ok) throw new CallError('invalid_input', formatFieldErrors(checked.errors))
    return this.createOne('video-extend', checked.value, parent.id, overBudget === true)
  }

  handlers(): Pick<
    Handlers,
    | 'tasks.create'
    | 'tasks.extend'
    | 'tasks.list'
    | 'tasks.get'
    | 'tasks.retryDownload'
    | 'tasks.recheck'
    | 'tasks.resend'
    | 'tasks.rerun'
    | 'tasks.favourite'
    | 'tasks.cancel'
  > {
    const { ledger, runner, emit } = this.o
    return {
      'tasks.create': ({ kind, request, takes, overBudget }) =>
        this.create(kind ?? 'text2video', request, null, takes ?? 1, overBudget === true),
      'tasks.extend': (input) => this.extend(input),
      'tasks.list': async (query) => {
        const page = await this.o.reader.list(query)
        return { ...page, jobs: page.jobs.map(publicJob) }
      },
      'tasks.get': ({ id }) => {
        const job = this.job(id)
        const estimate = runner.running(job)?.estimate(job)
        return {
          job: publicJob(job),
          history: ledger.history(id),
          estimateSeconds:
            estimate && estimate.samples > 0 ? Math.round(estimate.medianSeconds) : null,
        }
      },
      'tasks.retryDownload': async ({ id }) => {
        const next = (await runner.engineFor(this.job(id))).retryDownload(id)
        if (!next)
          throw new CallError('invalid_state', 'Only a finished task has a video to download')
        return publicJob(next)
      },
      'tasks.recheck': async ({ id }) => {
        ;(await runner.engineFor(this.job(id))).recheck(id)
        return publicJob(this.job(id))
      },
      'tasks.resend': async ({ id }) => {
        if (!(await runner.engineFor(this.job(id))).resend(id))
          throw new CallError('invalid_state', 'Only an unconfirmed request can be sent again')
        return publicJob(this.job(id))
      },
      'tasks.rerun': ({ id, changes, overBudget }) => {
        const job = this.job(id)
        if (job.kind === 'video-extend') {
          const { prompt, negative_prompt, cfg_scale } = {
            ...job.request,
            ...changes,
          } as ExtendInput
          const parentId = job.parentJobId ?? ''
          return this.extend({ id: parentId, prompt, negative_prompt, cfg_scale, overBudget })
        }
        const { external_task_id: _ignored, ...merged } = { ...job.request, ...changes } as Record<
          string,
          unknown
        >
        const checked = validateRequest(job.kind, merged)
        if (!checked.ok) throw new CallError('invalid_input', formatFieldErrors(checked.errors))
        return this.createOne(job.kind, checked.value, null, overBudget === true)
      },
      'tasks.favourite': ({ id, favourite }) => {
        this.job(id)
        const job = publicJob(ledger.setFavourite(id, favourite))
        emit('tasks.updated', job)
        return job
      },
      'tasks.cancel': ({ id }) => {
        const result = runner.cancel(id)
        if (!result.removed) {
          if (!result.job) throw new CallError('not_found', `No job ${id}`)
          throw new CallError('invalid_state', notCancellable(result.job.state))
        }
        emit('tasks.removed', { id })
      },
    }
  }
}
