// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { CompareDialog } from '../../src/renderer/src/features/compare/CompareDialog'
import {
  clampSeek,
  clockIndex,
  corrections,
  shouldPlay,
  SYNC_TOLERANCE_S,
  targetOf,
  totalDuration,
} from '../../src/renderer/src/features/compare/sync'
import { useApp } from '../../src/renderer/src/stores/app'
import { useJobs } from '../../src/renderer/src/stores/jobs'
import { job } from '../fixtures/job'

// Takes compared side by side stay in step: the longest is the clock, the others are moved back
// to it when they drift, a shorter one holds its last frame, and looping starts them all over.

describe('compare sync', () => {
  it('takes the longest clip as the clock, the first while none is known', () => {
    expect(clockIndex([null, null])).toBe(0)
    expect(clockIndex([5.1, 10.2, 5])).toBe(1)
    expect(clockIndex([Number.NaN, 4])).toBe(1)
    expect(totalDuration([5.1, 10.2, null])).toBe(10.2)
    expect(totalDuration([null, Number.NaN])).toBeNull()
  })

  it('puts each clip at the clock time, or at its own end', () => {
    expect(targetOf(3, 10)).toBe(3)
    expect(targetOf(7, 5)).toBe(5)
    expect(targetOf(-1, 5)).toBe(0)
    expect(targetOf(7, null)).toBe(7)
  })

  it('moves only the clips that drifted past the tolerance', () => {
    const fix = corrections(4, [
      { time: 4, duration: 10 }, // the clock itself
      { time: 4 + SYNC_TOLERANCE_S / 2, duration: 10 }, // close enough: left playing
      { time: 3.5, duration: 10 }, // behind: moved
      { time: 3, duration: 3 }, // shorter, already at its end: held there
      { time: 2, duration: 3.5 }, // shorter, behind: to its end
      { time: 4.5, duration: 5 }, // ahead: moved back
    ])
    expect(fix).toEqual([null, null, 4, null, 3.5, 4])
  })

  it('starts every clip over when the clock loops', () => {
    expect(
      corrections(0, [
        { time: 0, duration: 10 },
        { time: 5, duration: 5 },
        { time: 9.9, duration: 10 },
      ]),
    ).toEqual([null, 0, 0])
  })

  it('keeps a clip that runs fast within the tolerance of the clock, frame after frame', () => {
    // A follower whose clock runs 4% fast, corrected every frame (60 per second) for 10 s.
    const frame = 1 / 60
    let clock = 0
    let follower = 0
    let worst = 0
    let seeks = 0
    for (let i = 0; i < 600; i++) {
      clock += frame
      follower += frame * 1.04
      const [, fix] = corrections(clock, [
        { time: clock, duration: 10 },
        { time: follower, duration: 10 },
      ])
      worst = Math.max(worst, Math.abs(follower - clock))
      if (fix !== null && fix !== undefined) {
        follower = fix
        seeks++
      }
    }
    expect(worst).toBeLessThanOrEqual(SYNC_TOLERANCE_S + frame * 0.04 + 1e-9)
    // Moved now and then, not on every frame.
    expect(seeks).toBeGreaterThan(0)
    expect(seeks).toBeLessThan(20)
  })

  it('plays a clip only before its end, and keeps seeks inside the comparison', () => {
    expect(shouldPlay(2, 5)).toBe(true)
    expect(shouldPlay(5, 5)).toBe(false)
    expect(shouldPlay(2, null)).toBe(true)
    expect(clampSeek(12, 10)).toBe(10)
    expect(clampSeek(-3, 10)).toBe(0)
    expect(clampSeek(Number.NaN, 10)).toBe(0)
  })
})

describe('CompareDialog', () => {
  let favourite: ReturnType<typeof vi.fn>

  beforeEach(() => {
    favourite = vi.fn(async ({ id, favourite }: { id: string; favourite: boolean }) => ({
      ok: true,
      data: { ...useJobs.getState().byId[id]!, favourite, revision: 9 },
    }))
    ;(window as unknown as { api: unknown }).api = { tasks: { favourite } }
    useApp.setState({ info: null, notice: null })
    useJobs.setState({
      byId: {
        a: job({ id: 'a', state: 'done', saved: true, request: { prompt: 'First' } }),
        b: job({ id: 'b', state: 'done', saved: true, request: { prompt: 'Second' } }),
      },
    })
  })
  afterEach(() => {
    cleanup()
    vi.restoreAllMocks()
  })

  it('drives every take from one control, picks one, and closes on Escape', async () => {
    const play = vi
      .spyOn(window.HTMLMediaElement.prototype, 'play')
      .mockImplementation(async () => {})
    const pause = vi.spyOn(window.HTMLMediaElement.prototype, 'pause').mockImplementation(() => {})
    const onClose = vi.fn()
    render(<CompareDialog ids={['a', 'b']} onClose={onClose} />)
    const dialog = screen.getByRole('dialog', { name: 'Compare takes' })
    expect(dialog.querySelectorAll('video')).toHaveLength(2)

    fireEvent.click(screen.getByRole('button', { name: 'Play all' }))
    expect(play).toHaveBeenCalledTimes(2)
    fireEvent.click(screen.getByRole('button', { name: 'Pause all' }))
    expect(pause).toHaveBeenCalledTimes(2)
    expect(screen.getByRole('button', { name: 'Play all' })).toBeTruthy()

    const picks = screen.getAllByRole('button', { name: /Pick/ })
    fireEvent.click(picks[1]!)
    fireEvent.click(picks[1]!)
    await waitFor(() => expect(useJobs.getState().byId.b!.favourite).toBe(true))
    expect(favourite).toHaveBeenCalledTimes(1)
    expect(favourite).toHaveBeenCalledWith({ id: 'b', favourite: true })
    expect(screen.getAllByRole('button', { name: /Pick/ })[1]!.getAttribute('aria-pressed')).toBe(
      'true',
    )

    fireEvent.keyDown(dialog, { key: 'Escape' })
    expect(onClose).toHaveBeenCalledTimes(1)
  })

  it('tells its opener once that it closed, by its Close button', () => {
    const pause = vi.spyOn(window.HTMLMediaElement.prototype, 'pause').mockImplementation(() => {})
    const onClose = vi.fn()
    render(<CompareDialog ids={['a', 'b']} onClose={onClose} />)
    fireEvent.click(screen.getByRole('button', { name: 'Close' }))
    expect(onClose).toHaveBeenCalledTimes(1)
    // Every take stops with it.
    expect(pause).toHaveBeenCalledTimes(2)
  })
})
