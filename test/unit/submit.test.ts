import { describe, expect, it } from 'vitest'
import { networkError } from '../../src/main/kling/errors'
import { AUTO_RESENDS, CREATE_POSTS } from '../../src/main/tasks/steps/submit'
import { LOOKUP_UNSUPPORTED } from '../../src/main/kling/videos'
import {
  context,
  err,
  found,
  noSuchTask,
  refused,
  reset,
  run,
  service,
  task,
  webPage,
} from './submit-script'

// Every rule of "never pay twice", one test each, against the one file that decides them
// (src/main/tasks/steps/submit.ts). A create is paid; a lookup is free. The service is scripted
// answer by answer (submit-script.ts); the job moves through the real lifecycle. What happens
// around the rules (records, slots, cancels) is in submit-edges.test.ts.

describe('submit: when a create may go out', () => {
  it('1. the job is recorded as creating before the create is sent, with its external id', async () => {
    const { ctx, events } = context('queued')
    const s = service({ create: [() => task()] })
    const next = await run(ctx, s)
    expect(events).toEqual(['sending', 'answered'])
    expect(s.bodies[0]!.external_task_id).toBe('ks-1')
    expect(ctx.job.state).toBe('submitted')
    expect(next).toEqual({ poll: true })
  })

  it('2. a create that may have left before (a crash) is looked up before anything is sent', async () => {
    const { ctx } = context('creating')
    const s = service({ find: [found] })
    await run(ctx, s)
    expect(s.calls).toEqual(['find'])
    expect(ctx.job.state).toBe('processing')
  })

  it.each([
    ['a connection that never opened', refused],
    [
      '429 code 1302 (too many requests)',
      err({ kind: 'rate_limited', status: 429, code: '1302', message: 'slow down' }),
    ],
    [
      '429 code 1303 (too many parallel tasks)',
      err({ kind: 'too_many_tasks', status: 429, code: '1303', message: 'parallel' }),
    ],
  ])('3. %s: back in line, no lookup, and sent again later without one', async (_n, answer) => {
    const { ctx } = context('queued')
    const s = service({ create: [answer, () => task()] })
    const next = await run(ctx, s)
    expect(ctx.job.state).toBe('queued')
    expect('after' in next && next.after > 0).toBe(true)
    expect(s.calls).toEqual(['create'])
    await run(ctx, s)
    expect(s.calls).toEqual(['create', 'create'])
    expect(ctx.job.state).toBe('submitted')
  })

  it.each([
    ['a 400', err({ kind: 'invalid_request', status: 400, code: '1201', message: 'bad' })],
    [
      'a 500 whose code is invalid_request',
      err({ kind: 'invalid_request', status: 500, code: 'invalid_request', message: 'bad model' }),
    ],
    [
      'a 200 carrying 1102 (credits used up)',
      err({ kind: 'insufficient_credit', status: 200, code: '1102', message: 'no credit' }),
    ],
    [
      'a missing key',
      err({ kind: 'authentication', message: 'No key', mayHaveReachedServer: false }),
    ],
    [
      'a request refused before it left',
      err({ kind: 'invalid_request', message: 'duration', mayHaveReachedServer: false }),
    ],
  ])('4. %s is final: one create, no lookup', async (_n, answer) => {
    const { ctx } = context('queued')
    const s = service({ create: [answer] })
    expect(await run(ctx, s)).toEqual({ end: true })
    expect(ctx.job.state).toBe('failed')
    expect(s.calls).toEqual(['create'])
  })

  it('5a. a lost answer, then the task found: that is the task, nothing sent again', async () => {
    const { ctx } = context('queued')
    const s = service({ create: [reset], find: [found] })
    await run(ctx, s)
    expect(s.calls).toEqual(['create', 'find'])
    expect(ctx.job.state).toBe('processing')
  })

  it('5b. a lost answer, then "no such task" in JSON: sent again with the same external id', async () => {
    const { ctx } = context('queued')
    const s = service({ create: [reset, () => task()], find: [noSuchTask, noSuchTask] })
    await run(ctx, s)
    expect(ctx.job.state).toBe('creating')
    await run(ctx, s)
    expect(s.calls).toEqual(['create', 'find', 'find', 'create'])
    expect(s.bodies.map((b) => b.external_task_id)).toEqual(['ks-1', 'ks-1'])
    expect(ctx.job.state).toBe('submitted')
  })

  it('5c. a lost answer, then a web page for the lookup: not sent again, the person is told', async () => {
    const { ctx } = context('queued')
    const s = service({ create: [reset], find: [webPage] })
    await run(ctx, s)
    expect(ctx.job.state).toBe('needs_attention')
    expect(ctx.job.error?.kind).toBe('ambiguous_create')
    expect(ctx.job.error?.message).toMatch(/It was not sent again/)
    expect(s.calls).toEqual(['create', 'find'])
  })

  it('5d. a duplicate external id means it arrived: looked up, never sent again', async () => {
    const { ctx } = context('queued')
    const dup = err({
      kind: 'invalid_request',
      status: 400,
      code: '1201',
      message: 'external_task_id already exists',
    })
    const s = service({ create: [dup], find: [noSuchTask] })
    await run(ctx, s)
    expect(s.calls).toEqual(['create', 'find'])
    expect(ctx.job.state).toBe('needs_attention')
  })

  it(`5e. at most ${CREATE_POSTS} creates a session, each after a "no such task"`, async () => {
    const { ctx } = context('queued')
    const s = service({
      create: Array.from({ length: CREATE_POSTS }, () => reset),
      find: Array.from({ length: 2 * CREATE_POSTS }, () => noSuchTask),
    })
    for (let i = 0; i < CREATE_POSTS; i++) await run(ctx, s)
    expect(s.calls.filter((c) => c === 'create')).toHaveLength(CREATE_POSTS)
    expect(ctx.job.state).toBe('needs_attention')
    expect(ctx.job.error?.message).toMatch(new RegExp(`sent ${CREATE_POSTS} times`))
  })

  it('5f. a failed lookup after a lost answer is no proof of absence', async () => {
    const { ctx } = context('queued')
    const s = service({ create: [reset], find: [reset] })
    await run(ctx, s)
    expect(ctx.job.state).toBe('needs_attention')
    expect(s.calls).toEqual(['create', 'find'])
  })

  it('5g. the message says once why the lookup failed, with its request id', async () => {
    const { ctx } = context('queued')
    const lookupLost = () => {
      // What the client throws when the lookup's connection drops: it names the lookup itself.
      throw networkError(
        Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
        'Looking up external id ks-1',
      )
    }
    const lookupRefused = err({
      kind: 'server',
      status: 503,
      message: 'Looking up external id ks-1 got no answer within 30 s',
      requestId: 'rq-look',
    })
    const s = service({ create: [reset], find: [lookupLost] })
    await run(ctx, s)
    const message = ctx.job.error!.message
    expect(message).toContain(
      'Looking it up failed too: could not reach the server (ECONNRESET) (code ECONNRESET).',
    )
    expect(message).not.toContain('Looking up external id')

    const second = context('queued')
    await run(second.ctx, service({ create: [reset], find: [lookupRefused] }))
    expect(second.ctx.job.error!.message).toContain(
      'Looking it up failed too: got no answer within 30 s (HTTP 503, request id rq-look).',
    )
  })

  it(`6. needs_attention is sent again unasked at most ${AUTO_RESENDS} times, then only when the person asks`, async () => {
    const { ctx } = context('needs_attention')
    const s = service({
      create: Array.from({ length: AUTO_RESENDS + 1 }, () => reset),
      find: Array.from({ length: 40 }, () => noSuchTask),
    })
    for (let i = 0; i < 12; i++) {
      await run(ctx, s)
      if (ctx.job.state === 'creating') await run(ctx, s) // its lookup, then back to attention
    }
    expect(s.calls.filter((c) => c === 'create')).toHaveLength(AUTO_RESENDS)
    ctx.memory.resendAllowed = true
    await run(ctx, s)
    expect(s.calls.filter((c) => c === 'create')).toHaveLength(AUTO_RESENDS + 1)
  })

  it('7. a gateway that cannot look up external ids: never sent unasked; Send again sends once', async () => {
    const unsupported = err({
      kind: 'invalid_request',
      status: 404,
      code: LOOKUP_UNSUPPORTED,
      message: 'This gateway answers "task_not_exist" for any id it did not issue',
      requestId: 'rq-relay',
    })
    const { ctx } = context('creating')
    const s = service({ find: Array.from({ length: 6 }, () => unsupported), create: [found] })
    await run(ctx, s)
    expect(ctx.job.state).toBe('needs_attention')
    for (let i = 0; i < 3; i++) await run(ctx, s)
    expect(s.calls.filter((c) => c === 'create')).toHaveLength(0)
    ctx.memory.resendAllowed = true
    await run(ctx, s)
    expect(s.calls.filter((c) => c === 'create')).toHaveLength(1)
    expect(ctx.memory.resendAllowed).toBe(false)
  })

  it('6c. a job that may not be sent again takes no slot (the queue never stops behind it)', async () => {
    const { ctx } = context('needs_attention')
    let claimed = 0
    ctx.claimSlot = () => (claimed++, true)
    ctx.memory.autoResends = AUTO_RESENDS
    const s = service({ find: [noSuchTask, noSuchTask], create: [found] })
    await run(ctx, s)
    expect(claimed).toBe(0)
    expect(s.calls).toEqual(['find'])
    ctx.memory.resendAllowed = true
    await run(ctx, s)
    expect(claimed).toBe(1)
    expect(s.calls).toEqual(['find', 'find', 'create'])
  })

  it('6b. a refused lookup of an unconfirmed create waits for the person; it is not failed', async () => {
    const { ctx } = context('creating')
    const s = service({
      find: [
        err({
          kind: 'authentication',
          status: 401,
          code: '1000',
          message: 'key being replaced',
          requestId: 'rq-401',
        }),
      ],
    })
    await run(ctx, s)
    expect(ctx.job.state).toBe('needs_attention')
    expect(s.calls).toEqual(['find'])
  })
})
