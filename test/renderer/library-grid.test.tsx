// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { MediaFacts } from '../../src/shared/contract'
import type { Job } from '../../src/shared/jobs'
import { VirtualGrid } from '../../src/renderer/src/features/library/LibraryView'
import { computeLayout, rangeIn, vertical } from '../../src/renderer/src/features/library/layout'
import { TAKEN_MAX, usePosters } from '../../src/renderer/src/features/library/posters'
import { useApp } from '../../src/renderer/src/stores/app'
import { useJobs } from '../../src/renderer/src/stores/jobs'
import { job } from '../fixtures/job'
import { seedLibrary } from './library-store'

// The grid keeps only the tiles in view in the DOM, each in its clip's own shape, with a poster
// (main's, or one the window takes when main has none). A fast scroll does not start a poster or
// video for every tile that flies past.

const COUNT = 50
const WIDTH = 1000
const HEIGHT = 600
let facts: Record<string, MediaFacts>
let calls: { facts: string[][]; setPoster: string[] }
/** What main answers to setPoster (true: it keeps the poster). */
let keepsPosters: boolean

function seed(jobs: Job[], total = jobs.length): void {
  seedLibrary(jobs, { loaded: Math.min(jobs.length, total), total, firstPageDone: true })
}

const scenes = (n: number, over: (i: number) => Partial<Job> = () => ({})) =>
  Array.from({ length: n }, (_, i) =>
    job({
      id: `v${i}`,
      state: 'done',
      saved: true,
      request: { prompt: `Scene ${i}` },
      ...over(i),
    }),
  )

beforeEach(() => {
  vi.useFakeTimers()
  facts = {}
  calls = { facts: [], setPoster: [] }
  keepsPosters = true
  // happy-dom lays nothing out: the scroller reports the size a window would give it.
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(WIDTH)
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(HEIGHT)
  ;(window as unknown as { api: unknown }).api = {
    library: {
      facts: async ({ ids }: { ids: string[] }) => {
        calls.facts.push(ids)
        return {
          ok: true,
          data: Object.fromEntries(ids.filter((id) => facts[id]).map((id) => [id, facts[id]])),
        }
      },
      setPoster: async ({ id }: { id: string }) => {
        calls.setPoster.push(id)
        return keepsPosters
          ? { ok: true, data: undefined }
          : { ok: false, error: { code: 'io', message: 'disk full' } }
      },
    },
    tasks: {
      list: async () => ({ ok: true, data: { jobs: [], total: 0 } }),
    },
  }
  seed(scenes(COUNT))
  useApp.setState({ info: null })
})
afterEach(() => {
  cleanup()
  vi.useRealTimers()
  vi.restoreAllMocks()
})

const card = (prompt: string) =>
  screen.getByRole('button', { name: new RegExp(`^Play ${prompt}\\b`) })
const slotOf = (prompt: string) => card(prompt).closest<HTMLElement>('.grid-slot')!

describe('library grid', () => {
  it('defers the posters of tiles that scroll in until the grid settles', () => {
    render(<VirtualGrid onOpen={() => {}} />)
    // At rest, every tile in the DOM shows its poster and has its preview ready at once.
    expect(card('Scene 0').querySelector('img')?.getAttribute('src')).toBe('media://poster/v0?v=1')
    expect(card('Scene 0').querySelector('video')?.getAttribute('preload')).toBe('none')
    expect(screen.queryByRole('button', { name: /^Play Scene 30\b/ })).toBeNull()

    const grid = screen.getByTestId('library-grid')
    const top = parseFloat(slotOf('Scene 0').style.height) * 9
    grid.scrollTop = top
    fireEvent.scroll(grid)
    // Mid-scroll: the tile that came in has a placeholder, not a poster.
    expect(card('Scene 30').querySelector('img, video')).toBeNull()
    act(() => void vi.advanceTimersByTime(100))
    grid.scrollTop = top + 10
    fireEvent.scroll(grid)
    act(() => void vi.advanceTimersByTime(100))
    // Still moving 100 ms after the last scroll: still waiting.
    expect(card('Scene 30').querySelector('img')).toBeNull()
    act(() => void vi.advanceTimersByTime(100))
    expect(card('Scene 30').querySelector('video')?.getAttribute('src')).toBe(
      'media://video/v30#t=0.5',
    )
  })

  it('keeps the poster of a tile that was already showing when a scroll starts', () => {
    render(<VirtualGrid onOpen={() => {}} />)
    const before = card('Scene 1').querySelector('img')
    expect(before).not.toBeNull()
    const grid = screen.getByTestId('library-grid')
    grid.scrollTop = 100
    fireEvent.scroll(grid)
    expect(card('Scene 1').querySelector('img')).toBe(before)
  })

  it('names each card with its badges, which are only pictures on its poster', () => {
    useJobs.setState((st) => ({
      byId: {
        ...st.byId,
        v0: { ...st.byId.v0!, favourite: true, sandbox: true },
        v1: { ...st.byId.v1!, state: 'failed', saved: false },
      },
    }))
    render(<VirtualGrid onOpen={() => {}} />)
    // The name is the tile's own text (prompt, length, size, date) with the poster's badges.
    expect(
      screen.getByRole('button', { name: /^Play Scene 0\s?, Favourite, Sandbox\s?, \S+/ }),
    ).toBeTruthy()
    expect(screen.getByRole('button', { name: /^Play Scene 1\s?, Failed\s?, \S+/ })).toBeTruthy()
  })

  it('shapes each tile like its file, from the facts main reads (asked once, in one batch)', async () => {
    facts.v0 = {
      width: 720,
      height: 1280,
      fps: 24,
      durationSeconds: 5.04,
      bytes: 1,
      fileName: 'a.mp4',
    }
    facts.v1 = {
      width: 1280,
      height: 720,
      fps: 24,
      durationSeconds: 10,
      bytes: 1,
      fileName: 'b.mp4',
    }
    render(<VirtualGrid onOpen={() => {}} />)
    await act(async () => void (await vi.advanceTimersByTimeAsync(0)))
    const visible = calls.facts.flat()
    expect(calls.facts).toHaveLength(1)
    expect(visible).toContain('v0')
    expect(new Set(visible).size).toBe(visible.length)
    const portrait = slotOf('Scene 0')
    const landscape = slotOf('Scene 1')
    // Same row, so the same poster height: the widths are in the ratio of the two shapes.
    expect(portrait.style.top).toBe(landscape.style.top)
    const ratio = parseFloat(portrait.style.width) / parseFloat(landscape.style.width)
    expect(ratio).toBeCloseTo(720 / 1280 / (1280 / 720), 2)
    // Length, resolution and date on the tile.
    expect(card('Scene 0').textContent).toContain('0:05')
    expect(card('Scene 0').textContent).toContain('720×1280')
    expect(card('Scene 1').textContent).toContain('0:10')
  })

  it("takes a poster itself when main has none, keeps it in main and then shows main's", async () => {
    const capturer = vi.fn(async () => ({
      bytes: new Uint8Array([0xff, 0xd8, 0xff]),
      dataUrl: 'data:image/jpeg;base64,/9j/',
    }))
    usePosters.setState({ capturer, taken: {}, kept: {}, failed: {} })
    useApp.setState({
      info: { mediaBase: 'http://x/media/', posterBase: 'http://x/poster/' } as never,
    })
    render(<VirtualGrid onOpen={() => {}} />)
    const img = card('Scene 2').querySelector('img')!
    expect(img.getAttribute('src')).toBe('http://x/poster/v2?v=1')
    fireEvent.error(img)
    fireEvent.error(img) // the same failure twice takes one frame
    await act(async () => void (await vi.advanceTimersByTimeAsync(0)))
    expect(capturer).toHaveBeenCalledTimes(1)
    expect(capturer).toHaveBeenCalledWith('http://x/media/v2')
    expect(calls.setPoster).toEqual(['v2'])
    // Main keeps it: the frame is not held in memory, the tile loads main's file anew.
    expect(usePosters.getState().taken).toEqual({})
    expect(card('Scene 2').querySelector('img')?.getAttribute('src')).toBe(
      'http://x/poster/v2?kept&v=1',
    )
    // Should main's file not show after all, no second frame is taken: the placeholder.
    fireEvent.error(card('Scene 2').querySelector('img')!)
    await act(async () => void (await vi.advanceTimersByTimeAsync(0)))
    expect(capturer).toHaveBeenCalledTimes(1)
    expect(card('Scene 2').textContent).toContain('No preview')
  })

  it('shows the frame it took from memory when main cannot keep it', async () => {
    keepsPosters = false
    const capturer = vi.fn(async () => ({
      bytes: new Uint8Array([0xff, 0xd8, 0xff]),
      dataUrl: 'data:image/jpeg;base64,/9j/',
    }))
    usePosters.setState({ capturer, taken: {}, kept: {}, failed: {} })
    render(<VirtualGrid onOpen={() => {}} />)
    fireEvent.error(card('Scene 3').querySelector('img')!)
    await act(async () => void (await vi.advanceTimersByTimeAsync(0)))
    expect(calls.setPoster).toEqual(['v3'])
    expect(card('Scene 3').querySelector('img')?.getAttribute('src')).toBe(
      'data:image/jpeg;base64,/9j/',
    )
  })

  it('holds at most TAKEN_MAX frames in memory when main keeps none, letting the oldest go', async () => {
    keepsPosters = false
    const capturer = vi.fn(async (url: string) => ({
      bytes: new Uint8Array([0xff, 0xd8, 0xff]),
      dataUrl: `data:image/jpeg;base64,${btoa(url)}`,
    }))
    usePosters.setState({ capturer, taken: {}, kept: {}, failed: {} })
    const extra = 5
    for (let i = 0; i < TAKEN_MAX + extra; i++) {
      usePosters.getState().request(`c${i}`, `media://video/c${i}`, '1')
      await vi.advanceTimersByTimeAsync(0)
    }
    expect(capturer).toHaveBeenCalledTimes(TAKEN_MAX + extra)
    const held = Object.keys(usePosters.getState().taken)
    expect(held).toHaveLength(TAKEN_MAX)
    // The ones taken first went; the latest are all there.
    for (let i = 0; i < extra; i++) expect(held).not.toContain(`c${i}`)
    expect(held).toContain(`c${extra}`)
    expect(held).toContain(`c${TAKEN_MAX + extra - 1}`)
    // One let go is taken again when a tile asks for it once more.
    usePosters.getState().request('c0', 'media://video/c0', '1')
    await vi.advanceTimersByTimeAsync(0)
    expect(capturer).toHaveBeenCalledTimes(TAKEN_MAX + extra + 1)
    expect(usePosters.getState().taken.c0?.dataUrl).toBe(
      `data:image/jpeg;base64,${btoa('media://video/c0')}`,
    )
    expect(Object.keys(usePosters.getState().taken)).toHaveLength(TAKEN_MAX)
  })

  it('takes the poster of a file saved again anew, even after its first capture failed', async () => {
    const capturer = vi
      .fn<(url: string) => Promise<{ bytes: Uint8Array; dataUrl: string }>>()
      .mockRejectedValueOnce(new Error('cannot decode'))
      .mockResolvedValue({ bytes: new Uint8Array([0xff, 0xd8]), dataUrl: 'data:image/jpeg;,' })
    usePosters.setState({ capturer, taken: {}, kept: {}, failed: {} })
    render(<VirtualGrid onOpen={() => {}} />)
    fireEvent.error(card('Scene 4').querySelector('img')!)
    await act(async () => void (await vi.advanceTimersByTimeAsync(0)))
    expect(card('Scene 4').textContent).toContain('No preview')
    // The file is saved again: a new version, asked of main under a new URL, and taken again.
    act(() =>
      useJobs.setState((s) => ({ byId: { ...s.byId, v4: { ...s.byId.v4!, updatedAt: 2 } } })),
    )
    const img = card('Scene 4').querySelector('img')!
    expect(img.getAttribute('src')).toBe('media://poster/v4?v=2')
    fireEvent.error(img)
    await act(async () => void (await vi.advanceTimersByTimeAsync(0)))
    expect(capturer).toHaveBeenCalledTimes(2)
    expect(card('Scene 4').querySelector('img')?.getAttribute('src')).toBe(
      'media://poster/v4?kept&v=2',
    )
    // Saved once more: main's poster of the earlier file is not the one shown.
    act(() =>
      useJobs.setState((s) => ({ byId: { ...s.byId, v4: { ...s.byId.v4!, updatedAt: 3 } } })),
    )
    expect(card('Scene 4').querySelector('img')?.getAttribute('src')).toBe('media://poster/v4?v=3')
  })

  it('forgets the captures asked for by tiles that left the view before they started', async () => {
    const held: (() => void)[] = []
    const capturer = vi.fn(
      () =>
        new Promise<{ bytes: Uint8Array; dataUrl: string }>((resolve) =>
          held.push(() => resolve({ bytes: new Uint8Array([1]), dataUrl: 'data:image/jpeg;,' })),
        ),
    )
    usePosters.setState({ capturer, taken: {}, kept: {}, failed: {} })
    render(<VirtualGrid onOpen={() => {}} />)
    for (let i = 0; i < 8; i++) fireEvent.error(card(`Scene ${i}`).querySelector('img')!)
    // Two at a time: the others wait their turn.
    expect(capturer).toHaveBeenCalledTimes(2)
    cleanup() // every tile leaves
    for (let k = 0; k < 2; k++) {
      held.shift()?.()
      await act(async () => void (await vi.advanceTimersByTimeAsync(0)))
    }
    // The two under way finished (and main keeps them); none of the six waiting was taken.
    expect(capturer).toHaveBeenCalledTimes(2)
    expect(held).toEqual([])
    expect(calls.setPoster.sort()).toEqual(['v0', 'v1'])
  })

  it('keeps only the tiles in view in the DOM for ten thousand videos', () => {
    seed(scenes(PAGE_SIZE), 10_000)
    render(<VirtualGrid onOpen={() => {}} />)
    const slots = document.querySelectorAll('.grid-slot').length
    expect(slots).toBeGreaterThan(4)
    expect(slots).toBeLessThan(120)
    const grid = screen.getByTestId('library-grid')
    grid.scrollTop = parseFloat((grid.firstElementChild as HTMLElement).style.height)
    fireEvent.scroll(grid)
    expect(document.querySelectorAll('.grid-slot').length).toBeLessThan(120)
  })

  it('heads each date group: today, yesterday, then by month', () => {
    const now = Date.now()
    const day = 86_400_000
    seed(
      scenes(6, (i) => ({
        createdAt: [now, now - 1000, now - day, now - 40 * day, now - 41 * day, now - 80 * day][i]!,
      })),
    )
    render(<VirtualGrid onOpen={() => {}} />)
    const headers = [...document.querySelectorAll('.grid-header')].map((h) => h.textContent)
    expect(headers[0]).toBe('Today')
    expect(headers).toContain('Yesterday')
    expect(headers.length).toBeGreaterThanOrEqual(4)
    expect(headers.at(-1)).toMatch(/\d{4}/)
  })
})

const PAGE_SIZE = 200

describe('justified layout', () => {
  const base = {
    width: 1000,
    rowHeight: 200,
    gap: 10,
    caption: 40,
    header: 30,
    defaultAspect: 16 / 9,
  }

  it('fills each row to the width, and keeps the last row of a group at its height', () => {
    const layout = computeLayout({
      ...base,
      count: 7,
      item: () => ({ aspect: 16 / 9, group: 'today' }),
    })
    const first = layout.bands[1]!
    const right = first.xs!.at(-1)! + first.ws!.at(-1)!
    expect(right).toBeCloseTo(1000, 5)
    const last = layout.bands.at(-1)!
    expect(last.posterHeight).toBeLessThanOrEqual(200)
    expect(layout.headers).toEqual([{ y: 0, group: 'today' }])
  })

  it('places a million unloaded tiles as one band and finds the rows in view by arithmetic', () => {
    const layout = computeLayout({ ...base, count: 1_000_000, item: () => null })
    expect(layout.bands.length).toBeLessThanOrEqual(2)
    const range = rangeIn(layout, layout.height / 2, layout.height / 2 + 600)!
    expect(range.first).toBeGreaterThan(400_000)
    expect(range.last - range.first).toBeLessThan(40)
    expect(vertical(layout, range.first, 1) - range.first).toBe(layout.bands[0]!.perRow)
  })
})
