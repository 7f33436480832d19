import type { ExtendInput, Handlers } from '../../shared/contract'
import type { Job } from '../../shared/jobs'
import {
  formatFieldErrors,
  validateRequest,
  type VideoKind,
  type VideoRequest,
} from '../../shared/kling'
import { checkMasks, factsFromStore, type InputStore } from '../inputs'
import { newExternalTaskId } from '../kling/client'
import type { JobRecord, Ledger } from '../tasks/ledger'
import type { LedgerReader } from '../tasks/ledger-reader'
import { RESULT_LIFETIME_MS } from '../tasks/tracker'
import { CallError } from './call-error'
import { publicJob } from './desktop'
import type { EmitFn, Runner } from './runner'

// The jobs: making them (a generation, an extension, a rerun with changes), reading them, and
// asking the engine to look again, send again or fetch again.

export class JobService {
  constructor(
    private readonly o: {
      ledger: Ledger
      reader: LedgerReader
      runner: Runner
      emit: EmitFn
      inputs: InputStore
    },
  ) {}

  job(id: string): JobRecord {
    const job = this.o.ledger.get(id)
    if (!job) throw new CallError('not_found', `No job ${id}`)
    return job
  }

  async create(
    kind: VideoKind,
    request: VideoRequest,
    parentJobId: string | null = null,
  ): Promise<Job> {
    const { external_task_id: given, ...rest } = request as VideoRequest & {
      external_task_id?: string
    }
    // The one image rule across fields: a mask has its image's pixel size.
    const masks = await checkMasks(kind, rest, factsFromStore(this.o.inputs))
    if (masks.length > 0) throw new CallError('invalid_input', formatFieldErrors(masks))
    const externalTaskId = given ?? newExternalTaskId()
    if (this.o.ledger.byExternalId(externalTaskId))
      throw new CallError('invalid_input', `external_task_id ${externalTaskId} was already used`)
    const sandbox = this.o.runner.sandboxState().on
    const engine = await this.o.runner.engineFor({ sandbox, baseUrl: null })
    return publicJob(
      engine.enqueue({ kind, request: rest as VideoRequest, externalTaskId, sandbox, parentJobId }),
    )
  }

  /** About 5 s more of a finished video, named by its job: main fills in the service's ids. */
  extend({ id, ...text }: ExtendInput): Promise<Job> {
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
    return this.create('video-extend', checked.value, parent.id)
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
  > {
    const { ledger, runner, emit } = this.o
    return {
      'tasks.create': ({ kind, request }) => this.create(kind ?? 'text2video', request),
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
      'tasks.rerun': ({ id, changes }) => {
        const job = this.job(id)
        if (job.kind === 'video-extend') {
          const { prompt, negative_prompt, cfg_scale } = {
            ...job.request,
            ...changes,
          } as ExtendInput
          return this.extend({ id: job.parentJobId ?? '', prompt, negative_prompt, cfg_scale })
        }
        const { external_task_id: _ignored, ...merged } = { ...job.request, ...changes } as Record<
          string,
          unknown
        >
        const checked = validateRequest(job.kind, merged)
        if (!checked.ok) throw new CallError('invalid_input', formatFieldErrors(checked.errors))
        return this.create(job.kind, checked.value)
      },
      'tasks.favourite': ({ id, favourite }) => {
        this.job(id)
        const job = publicJob(ledger.setFavourite(id, favourite))
        emit('tasks.updated', job)
        return job
      },
    }
  }
}
