// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest'
import { Feed } from '../../src/renderer/src/features/feed/Feed'
import { useEstimates } from '../../src/renderer/src/features/feed/estimates'
import { useApp } from '../../src/renderer/src/stores/app'
import { useDraft, type DraftState } from '../../src/renderer/src/stores/draft'
import { useJobs } from '../../src/renderer/src/stores/jobs'
import type { AppInfo } from '../../src/shared/contract'
import type { Job } from '../../src/shared/jobs'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'
import { job } from '../fixtures/job'

// The feed beside the composer: takes grouped by Generate, running ones with their step and
// clock, finished ones as videos with their actions, failed ones explained, and no action that
// makes a paid task running twice from a double click.

// The player is the library's own (tested there): here only that the feed opens it.
vi.mock('../../src/renderer/src/features/library/PlayerDialog', () => ({
  PlayerDialog: ({ id }: { id: string }) => <p>player of {id}</p>,
}))

const NOW = 1_800_000_000_000
const ok = <T,>(data: T) => ({ ok: true as const, data })
const INFO: AppInfo = {
  version: '0',
  platform: 'linux',
  sandbox: false,
  sandboxReason: null,
  libraryFolder: '/videos',
  mediaBase: 'video://',
  posterBase: 'poster://',
}

/** Main's answer to library.facts: every file of this size. */
const factsOf = (ids: string[], width: number, height: number) =>
  ok(
    Object.fromEntries(
      ids.map((i) => [
        i,
        { width, height, fps: 24, durationSeconds: 5, bytes: 1, fileName: `${i}.mp4` },
      ]),
    ),
  )

let calls: Record<string, ReturnType<typeof vi.fn>>
let load: Mock<DraftState['load']>
let takeFrame: Mock<DraftState['takeFrame']>

beforeEach(() => {
  // Only the clock is fixed: timers and promises run as usual.
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(NOW)
  calls = {
    get: vi.fn(async ({ id }: { id: string }) =>
      ok({ job: useJobs.getState().byId[id], history: [], estimateSeconds: 150 }),
    ),
    cancel: vi.fn(async () => ok(undefined)),
    rerun: vi.fn(async ({ id }: { id: string }) =>
      ok({ ...useJobs.getState().byId[id], id: 'new' }),
    ),
    favourite: vi.fn(async ({ id, favourite }: { id: string; favourite: boolean }) =>
      ok({ ...useJobs.getState().byId[id]!, favourite, revision: 99 }),
    ),
    extend: vi.fn(async ({ id }: { id: string }) =>
      ok(job({ id: 'child', kind: 'video-extend', parentJobId: id, createdAt: NOW })),
    ),
    facts: vi.fn(async ({ ids }: { ids: string[] }) => factsOf(ids, 720, 1280)),
    export: vi.fn(async () => ok({ folder: '/out', exported: 1, failed: [] })),
    startDrag: vi.fn(async () => ok(undefined)),
  }
  ;(window as unknown as { api: unknown }).api = {
    tasks: {
      get: calls.get,
      cancel: calls.cancel,
      rerun: calls.rerun,
      favourite: calls.favourite,
      extend: calls.extend,
      resend: vi.fn(async () => ok({})),
      recheck: vi.fn(async () => ok({})),
      retryDownload: vi.fn(async () => ok({})),
    },
    library: { facts: calls.facts, export: calls.export, startDrag: calls.startDrag },
  }
  load = vi.fn<DraftState['load']>()
  takeFrame = vi.fn<DraftState['takeFrame']>(async () => {})
  useDraft.setState({ load, takeFrame })
  useApp.setState({
    info: INFO,
    settings: { ...DEFAULT_SETTINGS },
    selected: null,
    notice: null,
    view: 'compose',
  })
  useEstimates.setState({ byId: {}, asked: {} })
  useJobs.setState({
    byId: {},
    progress: {},
    facts: {},
    factsAsked: {},
    firstListed: true,
  })
})
afterEach(() => {
  cleanup()
  vi.useRealTimers()
})

const show = (...jobs: Job[]) =>
  useJobs.setState({ byId: Object.fromEntries(jobs.map((j) => [j.id, j])) })

const done = (over: Partial<Job>) =>
  job({
    state: 'done',
    saved: true,
    taskId: 't1',
    taskStatus: 'succeed',
    video: { id: 'v1', url: 'https://x/v.mp4', duration: '5.1' },
    finishedAt: NOW - 60_000,
    request: { prompt: 'A lighthouse at dusk', aspect_ratio: '16:9' },
    ...over,
  })

const tileOf = (text: string | RegExp) => screen.getByText(text).closest('li')!
const groupOf = (prompt: string) => screen.getByText(prompt).closest('article')!

describe('Feed', () => {
  it('says what to do on first run', () => {
    render(<Feed />)
    expect(screen.getByText('Your videos will appear here')).toBeTruthy()
    expect(screen.getByText(/press Generate/)).toBeTruthy()
  })

  it('says nothing of an empty history before the history has answered', () => {
    useJobs.setState({ firstListed: false })
    render(<Feed />)
    expect(screen.getByRole('heading', { name: 'Latest videos' })).toBeTruthy()
    expect(screen.queryByText('Your videos will appear here')).toBeNull()
    act(() => useJobs.setState({ firstListed: true }))
    expect(screen.getByText('Your videos will appear here')).toBeTruthy()
  })

  it('shows the takes of one Generate together under its prompt, kind, model and options', () => {
    const request = { prompt: 'Waves', aspect_ratio: '9:16' as const, duration: '5' as const }
    show(
      job({ id: 'a1', groupId: 'g', createdAt: 10, request }),
      job({ id: 'a2', groupId: 'g', createdAt: 11, request }),
      job({ id: 'a3', groupId: 'g', createdAt: 12, request }),
      job({ id: 'solo', createdAt: 20, request: { prompt: 'Solo shot' } }),
    )
    render(<Feed />)
    const groups = screen.getAllByRole('article')
    expect(groups).toHaveLength(2)
    expect(within(groups[0]!).getByText('Solo shot')).toBeTruthy()
    const takes = within(groups[1]!)
    expect(takes.getByText('Waves')).toBeTruthy()
    expect(
      takes.getByText(/Text to video · Kling 1\.0 \(server default\) · 9:16 · 5 s · 3 takes/),
    ).toBeTruthy()
    expect(takes.getAllByRole('listitem')).toHaveLength(3)
    expect(takes.getByText('Take 1')).toBeTruthy()
    expect(takes.getByText('Take 3')).toBeTruthy()
    // Each tile in the clip's own shape.
    const media = groups[1]!.querySelector<HTMLElement>('.tile-media')!
    expect(media.style.aspectRatio).toBe('9 / 16')
    // A one-take group is a card of its own size (they sit side by side); several take the row.
    expect(groups[0]!.classList.contains('single')).toBe(true)
    expect(groups[1]!.classList.contains('single')).toBe(false)
  })

  it('shows a running take with its step, time so far, usual time and progress', async () => {
    show(
      job({
        id: 'r1',
        state: 'processing',
        createdAt: NOW - 42_000,
        submittedAt: NOW - 30_000,
        request: { prompt: 'Running' },
      }),
    )
    render(<Feed />)
    const tile = tileOf('Processing')
    expect(within(tile).getByText(/0:42 elapsed/)).toBeTruthy()
    await within(tile).findByText(/usually about 2:30/)
    expect(calls.get).toHaveBeenCalledTimes(1)
    expect(within(tile).getByRole('progressbar', { name: 'About 20% done' })).toBeTruthy()
  })

  it('cancels a take still waiting here', async () => {
    show(job({ id: 'q1', state: 'queued', request: { prompt: 'Waiting' } }))
    render(<Feed />)
    const tile = tileOf('Queued')
    fireEvent.click(within(tile).getByRole('button', { name: 'Cancel' }))
    fireEvent.click(within(tile).getByRole('button', { name: 'Cancel' }))
    await waitFor(() => expect(useJobs.getState().byId.q1).toBeUndefined())
    expect(calls.cancel).toHaveBeenCalledTimes(1)
    expect(calls.cancel).toHaveBeenCalledWith({ id: 'q1' })
  })

  it('shows a finished take as its poster, else its video, with its actions', async () => {
    const d = done({ id: 'd1' })
    show(d)
    render(<Feed />)
    const tile = groupOf('A lighthouse at dusk')
    const media = within(tile).getByRole('button', { name: 'Play A lighthouse at dusk' })
    const poster = media.querySelector('img')!
    expect(poster.getAttribute('src')).toBe('poster://d1')
    // No poster (404): the video itself, half a second in.
    fireEvent.error(poster)
    expect(media.querySelector('video')!.getAttribute('src')).toBe('video://d1#t=0.5')

    const take = within(tileOf(/Use last frame/))
    for (const name of ['Favourite', 'Use last frame', 'Extend', 'More'])
      expect(take.getByRole('button', { name })).toBeTruthy()
    // The rest wait under More, one row of buttons left on the tile.
    expect(take.queryByRole('button', { name: /^Edit|^Export/ })).toBeNull()
    const more = (item: string) => {
      fireEvent.click(take.getByRole('button', { name: 'More' }))
      fireEvent.click(take.getByRole('menuitem', { name: item }))
      expect(take.queryByRole('menu')).toBeNull()
    }
    fireEvent.click(take.getByRole('button', { name: 'More' }))
    expect(take.getAllByRole('menuitem').map((m) => m.textContent)).toEqual([
      'Edit and generate',
      'Export (Save as)…',
      'Show in folder',
      'Copy prompt',
    ])
    fireEvent.click(take.getByRole('button', { name: 'More' }))
    expect(take.queryByRole('menu')).toBeNull()
    const handle = take.getByRole('button', { name: /Drag this video into/ })
    expect(handle.getAttribute('draggable')).toBe('true')
    // The page's own drag gives way to the OS drag of the file.
    expect(fireEvent.dragStart(handle)).toBe(false)
    expect(calls.startDrag).toHaveBeenCalledWith({ id: 'd1' })

    fireEvent.click(take.getByRole('button', { name: 'Use last frame' }))
    expect(takeFrame).toHaveBeenCalledWith(d, 'last', 'image')
    more('Edit and generate')
    expect(load).toHaveBeenCalledWith('text2video', d.request)
    more('Export (Save as)…')
    await waitFor(() => expect(useApp.getState().notice?.text).toBe('Exported to /out'))
    expect(calls.export).toHaveBeenCalledWith({ ids: ['d1'] })
    // The video itself is the play button.
    fireEvent.click(media)
    expect(useApp.getState().selected).toBe('d1')
    expect(screen.getByText('player of d1')).toBeTruthy()
  })

  it('makes one call of a double-clicked action', async () => {
    show(
      done({ id: 'd1' }),
      job({
        id: 'f1',
        state: 'failed',
        createdAt: 5,
        request: { prompt: 'Busy one' },
        error: {
          kind: 'server',
          status: 503,
          code: null,
          message: 'upstream busy',
          request_id: 'req-503',
        },
      }),
    )
    render(<Feed />)
    const failed = within(tileOf('upstream busy'))
    const retry = failed.getByRole('button', { name: 'Try again' })
    fireEvent.click(retry)
    fireEvent.click(retry)
    await waitFor(() => expect(failed.getByRole('button', { name: 'Sent' })).toBeTruthy())
    fireEvent.click(failed.getByRole('button', { name: 'Sent' }))
    expect(calls.rerun).toHaveBeenCalledTimes(1)
    expect(calls.rerun).toHaveBeenCalledWith({ id: 'f1', changes: {} })
    expect(failed.getByText(/req-503/)).toBeTruthy()

    const fav = screen.getByRole('button', { name: 'Favourite' })
    fireEvent.click(fav)
    fireEvent.click(fav)
    await waitFor(() => expect(useJobs.getState().byId.d1!.favourite).toBe(true))
    expect(calls.favourite).toHaveBeenCalledTimes(1)
  })

  it('offers Edit and retry, not Retry, for a content-policy failure, with its request id', () => {
    const f = job({
      id: 'p1',
      state: 'failed',
      request: { prompt: 'Refused' },
      statusMessage:
        'Failure to pass the risk control system: the prompt violates the content policy',
      requestId: 'req-policy-7',
    })
    show(f)
    render(<Feed />)
    const tile = within(tileOf(/risk control/))
    expect(tile.getByText('The service refused this under its content policy.')).toBeTruthy()
    expect(tile.getByText(/req-policy-7/)).toBeTruthy()
    expect(tile.queryByRole('button', { name: 'Try again' })).toBeNull()
    expect(tile.queryByRole('button', { name: 'Retry' })).toBeNull()
    fireEvent.click(tile.getByRole('button', { name: 'Edit and retry' }))
    expect(load).toHaveBeenCalledWith('text2video', f.request)
    expect(calls.rerun).not.toHaveBeenCalled()
  })

  it('shows an address that does not answer, with the reason and the way to Settings', () => {
    show(
      job({
        id: 'n1',
        state: 'queued',
        baseUrl: 'https://api.example.com',
        error: {
          kind: 'network',
          status: null,
          code: 'ENOTFOUND',
          message: 'POST failed: could not reach the server (ENOTFOUND)',
          request_id: null,
        },
      }),
    )
    render(<Feed />)
    expect(screen.getByText('Cannot reach api.example.com')).toBeTruthy()
    expect(screen.getByText(/ENOTFOUND/)).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Open Settings' }))
    expect(useApp.getState().view).toBe('settings')
  })

  it('extends a finished video once, and says why another cannot be', async () => {
    show(
      done({ id: 'd1', request: { prompt: 'Extend me', model_name: 'kling-v1-6' } }),
      done({
        id: 'd2',
        createdAt: 0,
        request: { prompt: 'Too new a model', model_name: 'kling-v2-master' },
      }),
    )
    render(<Feed />)
    const blocked = within(groupOf('Too new a model'))
    const no = blocked.getByRole('button', { name: 'Extend' })
    expect(no.getAttribute('aria-disabled')).toBe('true')
    fireEvent.click(no)
    expect(useApp.getState().notice?.text).toMatch(/Kling 2\.0 Master cannot extend videos/)
    expect(screen.queryByRole('dialog')).toBeNull()

    const tile = within(groupOf('Extend me'))
    fireEvent.click(tile.getByRole('button', { name: 'Extend' }))
    const dialog = within(await screen.findByRole('dialog'))
    expect(dialog.getByText(/Adds about 5 s/)).toBeTruthy()
    fireEvent.change(dialog.getByLabelText(/What happens next/), {
      target: { value: 'the camera rises' },
    })
    const send = dialog.getByRole('button', { name: 'Extend' })
    fireEvent.click(send)
    fireEvent.click(send)
    await waitFor(() => expect(useJobs.getState().byId.child).toBeTruthy())
    expect(calls.extend).toHaveBeenCalledTimes(1)
    expect(calls.extend).toHaveBeenCalledWith({ id: 'd1', prompt: 'the camera rises' })
  })

  it('shows an extension with its parent, and the parent with its count', () => {
    show(
      done({ id: 'p', request: { prompt: 'The parent', model_name: 'kling-v1-6' } }),
      done({
        id: 'c',
        kind: 'video-extend',
        parentJobId: 'p',
        createdAt: 9,
        request: { task_id: 't', video_id: 'v', prompt: 'The child' },
      }),
    )
    render(<Feed />)
    expect(screen.getByRole('button', { name: 'Extends “The parent”' })).toBeTruthy()
    expect(screen.getByText('Extended once')).toBeTruthy()
    // An extension is made by its parent's model.
    expect(within(groupOf('The child')).getByText('Extension · Kling 1.6')).toBeTruthy()
  })

  it('edits a refused extension again in the extend dialog of its parent', async () => {
    show(
      done({ id: 'p', request: { prompt: 'The parent', model_name: 'kling-v1' } }),
      job({
        id: 'c',
        kind: 'video-extend',
        parentJobId: 'p',
        state: 'failed',
        createdAt: 9,
        statusMessage: 'the prompt violates the content policy',
        request: { task_id: 't', video_id: 'v', prompt: 'a dragon appears' },
      }),
    )
    render(<Feed />)
    fireEvent.click(screen.getByRole('button', { name: 'Edit and retry' }))
    const dialog = within(await screen.findByRole('dialog'))
    expect(dialog.getByText('Extending: The parent')).toBeTruthy()
    expect((dialog.getByLabelText(/What happens next/) as HTMLTextAreaElement).value).toBe(
      'a dragon appears',
    )
    expect(load).not.toHaveBeenCalled()
  })

  it('draws an image-to-video take in the shape of its file', async () => {
    show(
      done({
        id: 'i1',
        kind: 'image2video',
        request: { prompt: 'From a photo', image: 'input:abc.png' },
      }),
    )
    render(<Feed />)
    const media = screen.getByRole('button', { name: 'Play From a photo' })
    expect(media.style.aspectRatio).toBe('16 / 9')
    await waitFor(() => expect(media.style.aspectRatio).toBe('720 / 1280'))
    expect(calls.facts).toHaveBeenCalledWith({ ids: ['i1'] })
    // The library holds the same facts: one store, one question.
    expect(useJobs.getState().facts.i1?.width).toBe(720)
  })

  it('asks the facts of a file saved anew again', async () => {
    const first = done({
      id: 'i1',
      kind: 'image2video',
      bytes: 10,
      request: { prompt: 'From a photo', image: 'input:abc.png' },
    })
    show(first)
    render(<Feed />)
    const media = screen.getByRole('button', { name: 'Play From a photo' })
    await waitFor(() => expect(media.style.aspectRatio).toBe('720 / 1280'))
    calls.facts!.mockImplementation(async ({ ids }: { ids: string[] }) => factsOf(ids, 1280, 720))
    act(() => useJobs.getState().apply({ ...first, bytes: 20, updatedAt: 99, revision: 2 }))
    await waitFor(() => expect(media.style.aspectRatio).toBe('1280 / 720'))
    expect(calls.facts).toHaveBeenCalledTimes(2)
  })

  it('ticks 2 to 4 finished takes and opens them side by side', async () => {
    show(
      done({ id: 'a', groupId: 'g', createdAt: 1 }),
      done({ id: 'b', groupId: 'g', createdAt: 2 }),
    )
    render(<Feed />)
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select take 1 to compare' }))
    expect(screen.getByText('1 selected to compare (2 to 4)')).toBeTruthy()
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select take 2 to compare' }))
    fireEvent.click(screen.getByRole('button', { name: 'Compare 2' }))
    const dialog = await screen.findByRole('dialog', { name: 'Compare takes' })
    expect(dialog.querySelectorAll('video')).toHaveLength(2)
    act(() => {
      fireEvent.keyDown(dialog, { key: 'Escape' })
    })
    expect(screen.queryByRole('dialog', { name: 'Compare takes' })).toBeNull()
  })
})
