// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Job } from '../../src/shared/jobs'
import { LibraryView } from '../../src/renderer/src/features/library/LibraryView'
import { useSelection } from '../../src/renderer/src/features/library/selection'
import { useLanguage } from '../../src/renderer/src/i18n'
import { useApp } from '../../src/renderer/src/stores/app'
import { useDraft } from '../../src/renderer/src/stores/draft'
import { useJobs } from '../../src/renderer/src/stores/jobs'
import { job } from '../fixtures/job'
import { seedLibrary } from './library-store'

// The Library as a browser: its count, selection and bulk bar, keyboard and right-click menu,
// against a window.api that records what it is asked (the calls main would get).

const COUNT = 12
let api: ReturnType<typeof fakeApi>

function fakeApi() {
  const ok = <T,>(data: T) => ({ ok: true as const, data })
  return {
    tasks: {
      list: vi.fn(async () => ok({ jobs: [] as Job[], total: 0 })),
      get: vi.fn(async ({ id }: { id: string }) =>
        ok({ job: useJobs.getState().byId[id]!, history: [], estimateSeconds: null }),
      ),
      favourite: vi.fn(async ({ id, favourite }: { id: string; favourite: boolean }) => {
        const held = useJobs.getState().byId[id]!
        return ok({ ...held, favourite, revision: held.revision + 1 })
      }),
    },
    library: {
      facts: vi.fn(async () => ok({})),
      delete: vi.fn(
        async (_: {
          id: string
        }): Promise<
          | { ok: true; data: undefined }
          | { ok: false; error: { code: string; message: string; requestId?: string } }
        > => ok(undefined),
      ),
      export: vi.fn(async ({ ids }: { ids: string[] }) =>
        ok({ folder: '/tmp/out', exported: ids.length, failed: [] }),
      ),
      reveal: vi.fn(async () => ok(undefined)),
      setPoster: vi.fn(async () => ok(undefined)),
    },
  }
}

function seed(total = COUNT, estimate = false, count = COUNT): void {
  const jobs = Array.from({ length: count }, (_, i) =>
    job({
      id: `v${i}`,
      state: 'done',
      saved: true,
      request: { prompt: `Scene ${i}` },
      createdAt: Date.now() - i * 1000,
    }),
  )
  seedLibrary(jobs, { loaded: Math.min(count, total), total, estimate, firstPageDone: true })
}

beforeEach(() => {
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1000)
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(700)
  api = fakeApi()
  ;(window as unknown as { api: unknown }).api = api
  useApp.setState({ info: null, selected: null, notice: null })
  useSelection.getState().clear()
  localStorage.clear()
  useLanguage.setState({ language: 'en' })
  seed()
})
afterEach(() => {
  cleanup()
  vi.restoreAllMocks()
})

const tile = (n: number) => screen.getByRole('button', { name: new RegExp(`^Play Scene ${n}\\b`) })
const settle = () => act(async () => void (await new Promise((r) => setTimeout(r, 0))))

describe('library browser', () => {
  it('says "N+ videos" while the total is a lower bound, and offers oldest first only when exact', () => {
    seed(250, true)
    render(<LibraryView />)
    expect(screen.getByText('250+ videos')).toBeTruthy()
    const oldest = screen.getByRole('option', { name: 'Oldest first' }) as HTMLOptionElement
    expect(oldest.disabled).toBe(true)
    cleanup()
    seed(250, false)
    render(<LibraryView />)
    expect(screen.getByText('250 videos')).toBeTruthy()
    expect(
      (screen.getByRole('option', { name: 'Oldest first' }) as HTMLOptionElement).disabled,
    ).toBe(false)
  })

  it('selects with Ctrl-click and Shift-click, then favourites the selection in one go', async () => {
    render(<LibraryView />)
    fireEvent.click(tile(1), { ctrlKey: true })
    fireEvent.click(tile(4), { shiftKey: true })
    const bar = screen.getByRole('toolbar', { name: 'Selected videos' })
    expect(within(bar).getByText('4 selected')).toBeTruthy()
    // A plain click still plays; Ctrl/Shift clicks did not open the player.
    expect(useApp.getState().selected).toBeNull()
    fireEvent.click(within(bar).getByRole('button', { name: 'Favourite' }))
    fireEvent.click(within(bar).getByRole('button', { name: 'Favourite' })) // busy: ignored
    await settle()
    expect(api.tasks.favourite).toHaveBeenCalledTimes(4)
    expect(
      api.tasks.favourite.mock.calls.map(([a]) => a).sort((a, b) => a.id.localeCompare(b.id)),
    ).toEqual(['v1', 'v2', 'v3', 'v4'].map((id) => ({ id, favourite: true })))
    expect(within(bar).getByRole('button', { name: 'Remove from favourites' })).toBeTruthy()
  })

  it('trashes a selection after one question, one call per video', async () => {
    const confirm = vi.fn(() => true)
    window.confirm = confirm
    render(<LibraryView />)
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select Scene 0' }))
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select Scene 2' }), { shiftKey: true })
    fireEvent.click(screen.getByRole('button', { name: 'Move to trash' }))
    await settle()
    expect(confirm).toHaveBeenCalledTimes(1)
    expect(confirm).toHaveBeenCalledWith('Move these 3 videos to the trash?')
    expect(api.library.delete).toHaveBeenCalledTimes(3)
    expect(screen.queryByRole('button', { name: /^Play Scene 1\b/ })).toBeNull()
    expect(screen.queryByRole('toolbar', { name: 'Selected videos' })).toBeNull()
  })

  it('keeps selected, and in the library, the videos main refused to delete', async () => {
    window.confirm = () => true
    // Scene 1 is still being made: main refuses to delete it.
    api.library.delete.mockImplementation(async ({ id }) =>
      id === 'v1'
        ? {
            ok: false,
            error: { code: 'invalid_state', message: 'v1 is being made', requestId: 'req-7' },
          }
        : { ok: true, data: undefined },
    )
    render(<LibraryView />)
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select Scene 0' }))
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select Scene 2' }), { shiftKey: true })
    fireEvent.click(screen.getByRole('button', { name: 'Move to trash' }))
    await settle()
    expect(api.library.delete).toHaveBeenCalledTimes(3)
    expect(screen.queryByRole('button', { name: /^Play Scene 0\b/ })).toBeNull()
    expect(screen.queryByRole('button', { name: /^Play Scene 2\b/ })).toBeNull()
    expect(tile(1)).toBeTruthy()
    // Only the refused one stays selected.
    expect(Object.keys(useSelection.getState().ids)).toEqual(['v1'])
    const bar = screen.getByRole('toolbar', { name: 'Selected videos' })
    expect(within(bar).getByText('1 selected')).toBeTruthy()
    expect(useApp.getState().notice).toMatchObject({
      kind: 'error',
      text: '1 of 3 failed. v1 is being made',
      requestId: 'req-7',
    })
  })

  it('goes to the search with `/`, moves with the arrows, selects with Space', () => {
    render(<LibraryView />)
    fireEvent.keyDown(document.body, { key: '/' })
    expect(document.activeElement).toBe(screen.getByRole('searchbox'))
    // Typed into the search box, a slash is a slash.
    const typed = fireEvent.keyDown(screen.getByRole('searchbox'), { key: '/' })
    expect(typed).toBe(true)

    tile(0).focus()
    fireEvent.keyDown(tile(0), { key: 'ArrowRight' })
    expect(document.activeElement).toBe(tile(1))
    const rowOf = (el: HTMLElement) => el.closest<HTMLElement>('.grid-slot')!.style.top
    fireEvent.keyDown(tile(1), { key: 'ArrowDown' })
    const below = document.activeElement as HTMLElement
    expect(rowOf(below)).not.toBe(rowOf(tile(1)))
    expect(below.getAttribute('tabindex')).toBe('0')
    fireEvent.keyDown(below, { key: ' ' })
    expect(screen.getByText('1 selected')).toBeTruthy()
    fireEvent.keyDown(below, { key: 'a', ctrlKey: true })
    expect(screen.getByText(`${COUNT} selected`)).toBeTruthy()
    fireEvent.keyDown(below, { key: 'Escape' })
    expect(screen.queryByText(/selected$/)).toBeNull()
  })

  it('opens a menu on right-click with what can be done to that video', async () => {
    const takeFrame = vi.fn(async () => {})
    useDraft.setState({ takeFrame })
    window.confirm = () => true
    render(<LibraryView />)
    fireEvent.contextMenu(tile(2), { clientX: 40, clientY: 50 })
    const menu = screen.getByRole('menu', { name: 'Video actions' })
    expect(
      within(menu)
        .getAllByRole('menuitem')
        .map((m) => m.textContent),
    ).toEqual([
      'Play',
      'Favourite',
      'Show in folder',
      'Export (Save as)…',
      'Use last frame',
      'Edit and generate',
      'Move to trash',
    ])
    expect(document.activeElement).toBe(within(menu).getByRole('menuitem', { name: 'Play' }))
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' })
    expect(document.activeElement?.textContent).toBe('Favourite')
    fireEvent.click(document.activeElement!)
    await settle()
    expect(api.tasks.favourite).toHaveBeenCalledWith({ id: 'v2', favourite: true })
    expect(screen.queryByRole('menu')).toBeNull()

    fireEvent.contextMenu(tile(2))
    fireEvent.click(screen.getByRole('menuitem', { name: 'Use last frame' }))
    expect(takeFrame).toHaveBeenCalledWith(useJobs.getState().byId.v2, 'last', 'image')

    fireEvent.keyDown(tile(3), { key: 'ContextMenu' })
    fireEvent.click(screen.getByRole('menuitem', { name: 'Export (Save as)…' }))
    await settle()
    expect(api.library.export).toHaveBeenCalledWith({ ids: ['v3'] })
    expect(useApp.getState().notice?.text).toBe('Video exported to /tmp/out')

    fireEvent.contextMenu(tile(5))
    fireEvent.click(screen.getByRole('menuitem', { name: 'Move to trash' }))
    await settle()
    expect(api.library.delete).toHaveBeenCalledWith({ id: 'v5' })
    expect(screen.queryByRole('button', { name: /^Play Scene 5/ })).toBeNull()
  })

  it('exports a selection of thousands in one call, so the folder is asked for once', async () => {
    seed(1200, false, 1200)
    render(<LibraryView />)
    fireEvent.keyDown(tile(0), { key: 'a', ctrlKey: true })
    fireEvent.click(screen.getByRole('button', { name: 'Export…' }))
    await settle()
    expect(api.library.export).toHaveBeenCalledTimes(1)
    expect(api.library.export.mock.calls[0]![0].ids).toHaveLength(1200)
    expect(useApp.getState().notice?.text).toBe('1200 videos exported to /tmp/out')
  })

  it('refuses an export larger than one call may name, saying so before anything is asked', async () => {
    seed(5001, false, 5001)
    render(<LibraryView />)
    fireEvent.keyDown(tile(0), { key: 'a', ctrlKey: true })
    fireEvent.click(screen.getByRole('button', { name: 'Export…' }))
    await settle()
    expect(api.library.export).not.toHaveBeenCalled()
    expect(useApp.getState().notice).toMatchObject({
      kind: 'error',
      text: 'Export takes at most 5,000 videos at a time; 5,001 are selected. Select fewer and export again.',
    })
    // In Indonesian too, with its own number format.
    act(() => useLanguage.setState({ language: 'id' }))
    fireEvent.click(screen.getByRole('button', { name: 'Ekspor…' }))
    await settle()
    expect(useApp.getState().notice?.text).toBe(
      'Ekspor menerima paling banyak 5.000 video sekaligus; 5.001 dipilih. Pilih lebih sedikit lalu ekspor lagi.',
    )
    expect(api.library.export).not.toHaveBeenCalled()
  })
})
