import { describe, expect, it } from 'vitest'
import { CREATE_POSTS } from '../../src/main/tasks/steps/submit'
import { context, err, noSuchTask, run, service, task } from './submit-script'

// Around the numbered rules of submit.test.ts: a passing fault of a lookup, the address recorded
// before a create goes, waiting for a slot, an answer the history could not take, the session's
// limit of creates however the job came back, and a cancelled create.

describe('submit: when a create may go out', () => {
  it('a passing fault of the lookup of a crashed create asks again later, as it was', async () => {
    const { ctx } = context('creating')
    const s = service({
      find: [err({ kind: 'server', status: 503, code: '5001', message: 'busy' })],
    })
    const next = await run(ctx, s)
    expect(ctx.job.state).toBe('creating')
    expect('after' in next).toBe(true)
    expect(s.calls).toEqual(['find'])
  })

  it('a create is recorded with the address it goes to, before it goes', async () => {
    const { ctx } = context('queued')
    let seen: string | null = null
    const s = service({ create: [() => ((seen = ctx.job.baseUrl), task())] })
    await run(ctx, s)
    expect(seen).toBe('https://api.example.test')
    expect(ctx.job.baseUrl).toBe('https://api.example.test')
  })

  it('an unconfirmed create is sent again only with a free slot, and waits for one otherwise', async () => {
    const slots = { free: false }
    const { ctx } = context('needs_attention', {}, slots)
    const s = service({ find: [noSuchTask, noSuchTask], create: [() => task()] })
    const next = await run(ctx, s)
    expect(s.calls).toEqual(['find'])
    expect('after' in next).toBe(true)
    expect(ctx.memory.autoResends).toBe(0)
    slots.free = true
    await run(ctx, s)
    expect(s.calls).toEqual(['find', 'find', 'create'])
  })

  it('an answer that cannot be recorded is not taken for a failed create', async () => {
    const { ctx } = context('queued')
    const apply = ctx.apply
    ctx.apply = (event) => {
      if (event.type === 'answered') throw new Error('database is locked')
      return apply(event)
    }
    const s = service({ create: [() => task()] })
    await expect(run(ctx, s)).rejects.toThrow(/locked/)
    // Still `creating`: the engine runs the step again, and it is looked up, not sent again.
    expect(ctx.job.state).toBe('creating')
  })

  it('an answer that could not be recorded is recorded on the next try: no lookup, no second create', async () => {
    const { ctx } = context('queued')
    const apply = ctx.apply
    let locked = true
    ctx.apply = (event) => {
      if (event.type === 'answered' && locked) throw new Error('database is locked')
      return apply(event)
    }
    // A lookup that lags behind the create would say "no such task": it must not be asked.
    const s = service({ create: [() => task(), () => task()], find: [noSuchTask, noSuchTask] })
    await expect(run(ctx, s)).rejects.toThrow(/locked/)
    await expect(run(ctx, s)).rejects.toThrow(/locked/)
    locked = false
    expect(await run(ctx, s)).toEqual({ poll: true })
    expect(s.calls).toEqual(['create'])
    expect(ctx.job).toMatchObject({ state: 'submitted', taskId: '878106242831892487' })
  })

  it(`a creating job is sent at most ${CREATE_POSTS} times a session, however it came back`, async () => {
    const { ctx } = context('creating')
    ctx.memory.posts = CREATE_POSTS
    const s = service({ find: [noSuchTask] })
    const next = await run(ctx, s)
    expect(s.calls).toEqual(['find'])
    expect('after' in next && next.after > 0).toBe(true)
    expect(ctx.job.state).toBe('creating')
  })

  it('a cancelled create leaves the job as it is, for whoever runs it next', async () => {
    const { ctx } = context('queued')
    const s = service({ create: [err({ kind: 'aborted', message: 'cancelled' })] })
    expect(await run(ctx, s)).toEqual({ stop: true })
    expect(ctx.job.state).toBe('creating')
  })
})
