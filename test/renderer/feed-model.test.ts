// The feed's model, without a window: which jobs the feed shows, how one Generate's takes are
// grouped, and how far a running take has come.
import { describe, expect, it } from 'vitest'
import {
  FEED_SIZE,
  groupJobs,
  newestJobs,
  progressOf,
} from '../../src/renderer/src/features/feed/feed-model'
import { job } from '../fixtures/job'

const NOW = 1_800_000_000_000

describe('feed model', () => {
  it('groups the newest jobs by Generate, newest group first, takes in the order made', () => {
    const jobs = [
      job({ id: 'a1', groupId: 'g', createdAt: 10 }),
      job({ id: 'a2', groupId: 'g', createdAt: 11 }),
      job({ id: 'solo', createdAt: 20 }),
      job({ id: 'a3', groupId: 'g', createdAt: 12 }),
      job({ id: 'old', createdAt: 1 }),
    ]
    const groups = groupJobs(newestJobs(Object.fromEntries(jobs.map((j) => [j.id, j]))))
    expect(groups.map((g) => [g.key, g.jobs.map((j) => j.id)])).toEqual([
      ['solo', ['solo']],
      ['g', ['a1', 'a2', 'a3']],
      ['old', ['old']],
    ])
  })

  it('keeps the newest FEED_SIZE jobs only', () => {
    const many = Array.from({ length: FEED_SIZE + 5 }, (_, i) => job({ id: `j${i}`, createdAt: i }))
    const newest = newestJobs(Object.fromEntries(many.map((j) => [j.id, j])))
    expect(newest).toHaveLength(FEED_SIZE)
    expect(newest[0]!.id).toBe(`j${FEED_SIZE + 4}`)
  })

  it('estimates progress from the learnt duration, short of done until it is', () => {
    const running = job({ state: 'processing', submittedAt: NOW - 30_000 })
    expect(progressOf(running, NOW, 150)).toBeCloseTo(0.2)
    expect(progressOf(running, NOW + 10 * 60_000, 150)).toBe(0.95)
    expect(progressOf(running, NOW, null)).toBeNull()
    expect(progressOf(job({ state: 'downloading' }), NOW, 150, { received: 3, total: 4 })).toBe(
      0.75,
    )
    expect(progressOf(job({ state: 'queued' }), NOW, 150)).toBe(0)
  })
})
