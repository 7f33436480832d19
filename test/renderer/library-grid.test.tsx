// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { VirtualGrid } from '../../src/renderer/src/features/library/LibraryView'
import { useApp } from '../../src/renderer/src/stores/app'
import { useJobs } from '../../src/renderer/src/stores/jobs'
import { job } from '../fixtures/job'

// A fast scroll must not start a video pipeline for every card that flies past: cards that appear
// mid-scroll wait for the grid to settle, and cards already showing their video keep it.

const COUNT = 50

beforeEach(() => {
  vi.useFakeTimers()
  const jobs = Array.from({ length: COUNT }, (_, i) =>
    job({
      id: `v${i}`,
      state: 'done',
      saved: true,
      request: { prompt: `Scene ${i}` },
    }),
  )
  useJobs.setState({
    byId: Object.fromEntries(jobs.map((j) => [j.id, j])),
    ids: jobs.map((j) => j.id),
    total: COUNT,
    query: {},
    loadedPages: { 0: 'done' },
    progress: {},
  })
  useApp.setState({ info: null })
})
afterEach(() => {
  cleanup()
  vi.useRealTimers()
})

const videoOf = (prompt: string): HTMLVideoElement | null =>
  screen.getByRole('button', { name: new RegExp(`${prompt}$`) }).querySelector('video')

describe('library grid', () => {
  it('defers the videos of cards that scroll in until the grid settles', () => {
    render(<VirtualGrid onOpen={() => {}} />)
    // At rest, every card in the DOM shows its video at once.
    expect(videoOf('Scene 0')).not.toBeNull()
    expect(screen.queryByRole('button', { name: /Scene 20$/ })).toBeNull()

    const grid = screen.getByTestId('library-grid')
    grid.scrollTop = 232 * 20
    fireEvent.scroll(grid)
    // Mid-scroll: the card that came in has a placeholder, not a video.
    expect(videoOf('Scene 20')).toBeNull()
    act(() => void vi.advanceTimersByTime(100))
    grid.scrollTop = 232 * 20 + 10
    fireEvent.scroll(grid)
    act(() => void vi.advanceTimersByTime(100))
    // Still moving 100 ms after the last scroll: still waiting.
    expect(videoOf('Scene 20')).toBeNull()
    act(() => void vi.advanceTimersByTime(100))
    expect(videoOf('Scene 20')?.getAttribute('src')).toBe('media://video/v20#t=0.5')
  })

  it('keeps the video of a card that was already showing when a scroll starts', () => {
    render(<VirtualGrid onOpen={() => {}} />)
    const before = videoOf('Scene 1')
    expect(before).not.toBeNull()
    const grid = screen.getByTestId('library-grid')
    grid.scrollTop = 100
    fireEvent.scroll(grid)
    expect(videoOf('Scene 1')).toBe(before)
  })

  it('names each card with its badges, which its label would otherwise hide', () => {
    useJobs.setState((st) => ({
      byId: {
        ...st.byId,
        v0: { ...st.byId.v0!, favourite: true, sandbox: true },
        v1: { ...st.byId.v1!, state: 'failed', saved: false },
      },
    }))
    render(<VirtualGrid onOpen={() => {}} />)
    expect(screen.getByRole('button', { name: 'Play Scene 0, Favourite, Sandbox' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Play Scene 1, Failed' })).toBeTruthy()
  })
})
