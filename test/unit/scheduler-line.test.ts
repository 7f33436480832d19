import { describe, expect, it } from 'vitest'
import { Scheduler } from '../../src/main/tasks/scheduler'
import { FakeClock } from '../fixtures/clock'

// Steps that find the request budget empty are served in the order they came due: a step due a
// moment before a token frees up must not take it from one that has waited since (with 100 live
// tasks on 4 requests a second, that is how creates went unsent for minutes).

function scheduler(clock: FakeClock, ran: string[]): Scheduler {
  return new Scheduler({
    clock,
    random: () => 0.9,
    concurrency: 10,
    requestsPerSecond: 1,
    burst: 1,
    run: async (jobId) => void ran.push(`${jobId}@${clock.now() - start}`),
  })
}
let start = 0

describe('the request budget line', () => {
  it('serves steps that found no token first come, first served', async () => {
    const clock = new FakeClock()
    start = clock.now()
    const ran: string[] = []
    const s = scheduler(clock, ran)
    s.schedule('a', 0) // takes the only token
    s.schedule('b', 10) // waits ~990 ms for the next
    s.schedule('c', 1_020) // comes due after the token is free, behind b
    await clock.advance(5_000)
    expect(ran).toEqual(['a@0', 'b@1000', 'c@2000'])
    await s.stop()
  })

  it('lets a job leave the line when it is scheduled anew or forgotten', async () => {
    const clock = new FakeClock()
    start = clock.now()
    const ran: string[] = []
    const s = scheduler(clock, ran)
    s.schedule('a', 0)
    s.schedule('b', 10)
    s.schedule('c', 20)
    await clock.advance(100)
    s.forget('b')
    s.schedule('c', 3_500)
    await clock.advance(5_000)
    expect(ran).toEqual(['a@0', 'c@3600'])
    await s.stop()
  })

  it('keeps the line across sleep and serves it on wake', async () => {
    const clock = new FakeClock()
    start = clock.now()
    const ran: string[] = []
    const s = scheduler(clock, ran)
    s.schedule('a', 0)
    s.schedule('b', 10)
    await clock.advance(100)
    s.suspend()
    await clock.advance(10_000)
    expect(ran).toEqual(['a@0'])
    s.wake()
    await clock.advance(0)
    expect(ran).toEqual(['a@0', 'b@10100'])
    await s.stop()
  })
})
