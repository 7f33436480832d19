import { describe, expect, it } from 'vitest'
import { downloadFailure, localFailure } from '../../src/main/kling/download-errors'
import { networkError } from '../../src/main/kling/errors'
import type { KlingTask } from '../../src/shared/kling'
import type { LifecycleEvent } from '../../src/main/tasks/lifecycle'
import {
  BAD_FILE_BACKOFF,
  GIVE_UP,
  RESULT_LIFETIME_MS,
} from '../../src/main/tasks/steps/fetch-video'
import type { Next } from '../../src/main/tasks/steps/step'
import { finishedJob, stepper } from '../fixtures/fetch-step'

// The download step's decisions over time, on a clock of the test's own: a failure on this
// computer fails the job at once (no retry until the person acts), a wrong file is asked for
// again less often, and results that keep failing are given up with their reason once they have
// failed GIVE_UP.attempts times over at least GIVE_UP.afterMs, with Download again still offered.

function harness(fail: (n: number) => unknown) {
  let saves = 0
  let queries = 0
  const h = stepper(
    finishedJob(),
    {
      exists: async () => false,
      adopt: async () => null,
      save: async () => {
        const error = fail(++saves)
        if (error) throw error
        return { file: '/lib/v.mp4', bytes: 10 }
      },
    },
    async () => {
      queries++
      return { task_id: 't1', task_status: 'succeed', videos: [] } as unknown as KlingTask
    },
  )
  return { ...h, saves: () => saves, queries: () => queries }
}

const dropped = () => downloadFailure('dropped', 'The connection dropped after 10 of 20 bytes')

describe('the download step', () => {
  it('a full disk fails the job at once with what to do, and is not tried again', async () => {
    const enospc = Object.assign(new Error('no space'), { code: 'ENOSPC' })
    const h = harness(() => localFailure(enospc, '/home/me/Videos/Kling Studio'))
    expect(await h.step()).toEqual({ end: true })
    expect(h.saves()).toBe(1)
    expect(h.ctx.job.state).toBe('failed')
    expect(h.ctx.job.taskStatus).toBe('succeed')
    expect(h.ctx.job.error).toMatchObject({ kind: 'download', code: 'local_disk_full' })
    expect(h.ctx.job.error!.message).toMatch(/Videos\/Kling Studio is full.*Download again/)
  })

  it('a passing network fault is tried again with backoff, the job still downloading', async () => {
    const h = harness((n) => (n < 3 ? networkError(new Error('reset'), 'Downloading') : null))
    for (let i = 0; i < 2; i++) {
      const next = await h.step()
      expect(next).toHaveProperty('after')
      expect(h.ctx.job.state).toBe('downloading')
    }
    expect(await h.step()).toEqual({ end: true })
    expect(h.ctx.job.state).toBe('done')
  })

  it('a wrong file is asked for again less often than a dropped connection', async () => {
    const bad = harness(() => downloadFailure('mp4_no_index', 'only starts like an MP4'))
    const drop = harness(dropped)
    const a = (await bad.step()) as { after: number }
    const b = (await drop.step()) as { after: number }
    expect(a.after).toBeGreaterThanOrEqual(BAD_FILE_BACKOFF.baseMs / 2)
    expect(a.after).toBeGreaterThan(b.after)
  })

  it('many quick failures alone do not give up; neither does a long time with few tries', async () => {
    const quick = harness(dropped)
    for (let i = 0; i < GIVE_UP.attempts * 3; i++)
      expect(await quick.step()).toHaveProperty('after')
    expect(quick.ctx.job.state).toBe('downloading')

    const slow = harness(dropped)
    expect(await slow.step()).toHaveProperty('after')
    slow.advance(GIVE_UP.afterMs * 2)
    expect(await slow.step()).toHaveProperty('after')
    expect(slow.ctx.job.state).toBe('downloading')
  })

  it('gives up with the reason after enough tries over enough time; Download again still free', async () => {
    const h = harness(dropped)
    let next: Next = { after: 0 }
    let steps = 0
    while ('after' in next && steps < 10_000) {
      h.advance(next.after)
      next = await h.step()
      steps++
    }
    expect(next).toEqual({ end: true })
    expect(steps).toBeGreaterThanOrEqual(GIVE_UP.attempts)
    const failed = h.events.at(-1) as Extract<LifecycleEvent, { type: 'failed' }>
    expect(failed.type).toBe('failed')
    expect(h.ctx.job.state).toBe('failed')
    // Still a result the service made: the window offers the free download, not a new task.
    expect(h.ctx.job.taskStatus).toBe('succeed')
    expect(h.ctx.job.statusMessage).toMatch(
      /could not be saved after \d+ tries over [\d.]+ hours: The connection dropped after 10 of 20 bytes\. Choose Download again/,
    )
    expect(h.ctx.job.error).toMatchObject({ kind: 'download', code: 'dropped' })
    // Download again: a new run of tries, not given up at its first failure.
    h.ctx.apply({ type: 'refetch' })
    expect(await h.step()).toHaveProperty('after')
    expect(h.ctx.job.state).toBe('downloading')
  })

  it('a refused link is refreshed by a query, and past the result’s life the job expires', async () => {
    const gone = () => downloadFailure('link_gone', 'The video link has expired (HTTP 403)')
    const h = harness(gone)
    expect(await h.step()).toHaveProperty('after')
    expect(h.queries()).toBe(1)
    h.advance(RESULT_LIFETIME_MS + 1)
    expect(await h.step()).toEqual({ end: true })
    expect(h.ctx.job.state).toBe('expired')
  })
})
