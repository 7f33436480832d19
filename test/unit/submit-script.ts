import type { JobState } from '../../src/shared/jobs'
import type { KlingTask } from '../../src/shared/kling'
import { KlingApiError } from '../../src/main/kling/errors'
import type { JobRecord } from '../../src/main/tasks/ledger'
import { nextState, type LifecycleEvent } from '../../src/main/tasks/lifecycle'
import { newMemory, type Next, type StepContext } from '../../src/main/tasks/steps/step'
import { submit } from '../../src/main/tasks/steps/submit'
import { job as makeJob } from '../fixtures/job'

// The scripted service and the job's context that submit.test.ts and submit-edges.test.ts run the
// submit step with: the service answers call by call; the job moves through the real lifecycle.

export const task = (status = 'submitted'): KlingTask => ({
  task_id: '878106242831892487',
  task_status: status,
  task_status_msg: '',
  external_task_id: 'ks-1',
  videos: [],
  created_at: null,
  updated_at: null,
  final_unit_deduction: null,
  request_id: 'rq-ok',
})

export const err = (init: ConstructorParameters<typeof KlingApiError>[0]) => () => {
  throw new KlingApiError(init)
}
export const reset = err({ kind: 'network', message: 'socket hang up', mayHaveReachedServer: true })
export const refused = err({
  kind: 'network',
  message: 'ECONNREFUSED',
  mayHaveReachedServer: false,
})
export const noSuchTask = () => null
export const found = () => task('processing')
export const webPage = err({
  kind: 'unreadable_response',
  status: 404,
  message: 'HTTP 404: the server answered with a web page',
})

export type Answer<T> = () => T
export function service(script: {
  create?: Answer<KlingTask>[]
  find?: Answer<KlingTask | null>[]
}) {
  const calls: string[] = []
  const bodies: Record<string, unknown>[] = []
  return {
    calls,
    bodies,
    videos: {
      create: async (_kind: string, body: Record<string, unknown>) => {
        calls.push('create')
        bodies.push(body)
        const next = script.create?.shift()
        if (!next) throw new Error('no create answer scripted')
        return next()
      },
      find: async () => {
        calls.push('find')
        const next = script.find?.shift()
        if (!next) throw new Error('no lookup answer scripted')
        return next()
      },
    },
  }
}

export function context(state: JobState, over: Partial<JobRecord> = {}, slots = { free: true }) {
  const events: LifecycleEvent['type'][] = []
  const ctx: StepContext = {
    job: { ...makeJob({ state, ...over }), file: null } as JobRecord,
    memory: newMemory(),
    apply: (event) => {
      events.push(event.type)
      const change = nextState(ctx.job, event, 1_000)
      if (change) ctx.job = { ...ctx.job, ...change.patch } as JobRecord
      return ctx.job
    },
    signal: new AbortController().signal,
    random: () => 0.5,
    now: () => 1_000,
    claimSlot: () => slots.free,
    baseUrl: 'https://api.example.test',
  }
  return { ctx, events }
}

export async function run(ctx: StepContext, s: ReturnType<typeof service>): Promise<Next> {
  return submit(ctx, {
    videos: s.videos as never,
    wire: async (j) => ({ ...j.request, external_task_id: j.externalTaskId }),
  })
}
