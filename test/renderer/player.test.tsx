// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { MediaFacts } from '../../src/shared/contract'
import type { Job } from '../../src/shared/jobs'
import { ExtendDialog } from '../../src/renderer/src/features/extend/ExtendDialog'
import { PlayerDialog } from '../../src/renderer/src/features/library/PlayerDialog'
import { useApp } from '../../src/renderer/src/stores/app'
import { useDraft } from '../../src/renderer/src/stores/draft'
import { useJobs } from '../../src/renderer/src/stores/jobs'
import { job } from '../fixtures/job'
import { seedLibrary } from './library-store'

// The player walks the library in its order, says what the file is and what the server used,
// shows only the fields of the job's kind, explains a failure, and never sends a paid task twice,
// from a double click or a second click once the first is done. Keys typed in the Extend dialog
// stay there, and the Extend dialog extends the video it was opened on.

const ok = <T,>(data: T) => ({ ok: true as const, data })
const SHA = 'ab'.repeat(32)
let facts: Record<string, MediaFacts>
let api: ReturnType<typeof fakeApi>
/** Settles the rerun call the test holds open. */
let finishRerun: () => void

function fakeApi() {
  return {
    tasks: {
      get: vi.fn(async ({ id }: { id: string }) =>
        ok({ job: useJobs.getState().byId[id]!, history: [], estimateSeconds: null }),
      ),
      list: vi.fn(async () => ok({ jobs: scenes(5), total: 5, totalIsEstimate: false })),
      rerun: vi.fn(
        ({ id }: { id: string }) =>
          new Promise((resolve) => {
            finishRerun = () =>
              resolve(ok({ ...useJobs.getState().byId[id]!, id: 'again', revision: 1 }))
          }),
      ),
      favourite: vi.fn(async ({ id }: { id: string }) => ok(useJobs.getState().byId[id]!)),
      extend: vi.fn(async ({ id }: { id: string }) =>
        ok(job({ id: 'child', kind: 'video-extend', parentJobId: id, revision: 1 })),
      ),
    },
    library: {
      facts: vi.fn(async ({ ids }: { ids: string[] }) =>
        ok(Object.fromEntries(ids.filter((id) => facts[id]).map((id) => [id, facts[id]]))),
      ),
      export: vi.fn(async () => ok({ folder: null, exported: 0, failed: [] })),
      delete: vi.fn(
        async (_: {
          id: string
        }): Promise<
          | { ok: true; data: undefined }
          | { ok: false; error: { code: string; message: string; requestId?: string } }
        > => ok(undefined),
      ),
    },
  }
}

const scenes = (n: number): Job[] =>
  Array.from({ length: n }, (_, i) =>
    job({
      id: `v${i}`,
      state: 'done',
      saved: true,
      taskStatus: 'succeed',
      request: { prompt: `Scene ${i}` },
      video: { id: `vid${i}`, url: 'https://x/v.mp4', duration: '5.1' },
    }),
  )

function seed(jobs: Job[], loaded = jobs.length, total = jobs.length): void {
  seedLibrary(jobs, { loaded, total })
}

beforeEach(() => {
  facts = {}
  api = fakeApi()
  ;(window as unknown as { api: unknown }).api = api
  useApp.setState({ info: null, notice: null })
  seed(scenes(5))
})
afterEach(() => {
  cleanup()
  vi.restoreAllMocks()
})

const settle = () => act(async () => void (await new Promise((r) => setTimeout(r, 0))))
const player = () => document.querySelector<HTMLDialogElement>('dialog.player')!
const shown = () => player().querySelector('dd')?.textContent
/** Scenes that can be extended: finished recently, with the service's task id. */
const extendable = (n: number) =>
  scenes(n).map((j) => ({ ...j, taskId: `t-${j.id}`, finishedAt: Date.now() }))

describe('player', () => {
  it('walks the library in its order with the buttons and with [ ] PageUp PageDown', async () => {
    seed(scenes(5), 4) // the last one's page is not loaded yet
    const onNavigate = vi.fn()
    render(<PlayerDialog id="v0" onClose={() => {}} onNavigate={onNavigate} />)
    await settle()
    expect(shown()).toBe('Scene 0')
    expect((screen.getByRole('button', { name: /Previous/ }) as HTMLButtonElement).disabled).toBe(
      true,
    )
    expect(screen.getByText('1 of 5')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: /Next/ }))
    await settle()
    expect(shown()).toBe('Scene 1')
    expect(onNavigate).toHaveBeenLastCalledWith('v1')
    const dialog = screen.getByRole('dialog')
    fireEvent.keyDown(dialog, { key: ']' })
    await settle()
    fireEvent.keyDown(dialog, { key: 'PageDown' })
    await settle()
    expect(shown()).toBe('Scene 3')
    // The next one is not loaded: its page is fetched, then shown.
    fireEvent.keyDown(dialog, { key: 'PageDown' })
    await settle()
    expect(api.tasks.list).toHaveBeenCalledWith({ limit: 200, offset: 0 })
    expect(shown()).toBe('Scene 4')
    expect((screen.getByRole('button', { name: /Next/ }) as HTMLButtonElement).disabled).toBe(true)
    fireEvent.keyDown(dialog, { key: 'PageUp' })
    await settle()
    fireEvent.keyDown(dialog, { key: '[' })
    await settle()
    expect(shown()).toBe('Scene 2')
    expect(screen.getByText('3 of 5')).toBeTruthy()
  })

  it('follows the oldest-first order when the library shows it', async () => {
    useJobs.setState({ sort: 'oldest' })
    render(<PlayerDialog id="v4" onClose={() => {}} />)
    await settle()
    expect(screen.getByText('1 of 5')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: /Next/ }))
    await settle()
    expect(shown()).toBe('Scene 3')
  })

  it("says the file's facts and what the server used where the request left it the default", async () => {
    facts.v0 = {
      width: 1280,
      height: 720,
      fps: 24,
      durationSeconds: 5.1,
      bytes: 3_200_000,
      fileName: 'scene-0.mp4',
    }
    render(<PlayerDialog id="v0" onClose={() => {}} />)
    await settle()
    const text = screen.getByRole('dialog').textContent ?? ''
    expect(text).toContain('scene-0.mp4')
    expect(text).toContain('1280×720')
    expect(text).toContain('24 fps')
    expect(text).toContain('3.2 MB')
    expect(text).toContain('Server default (kling-v1)')
    expect(text).toContain('5 s (as the service made it)')
    expect(text).toContain('16:9 (from the file)')
    expect(text).toContain('Text to video')
  })

  it("shows only the fields of the job's kind: an image-to-video names its images", async () => {
    const i2v = job({
      id: 'i1',
      kind: 'image2video',
      state: 'done',
      saved: true,
      request: { prompt: 'wave', image: `input:${SHA}.png`, mode: 'pro' } as Job['request'],
    })
    seed([i2v])
    render(<PlayerDialog id="i1" onClose={() => {}} />)
    await settle()
    const text = screen.getByRole('dialog').textContent ?? ''
    expect(text).toContain('Image to video')
    expect(text).toContain('First frame')
    expect(text).toContain(`${SHA.slice(0, 10)}….png`)
    expect(text).toContain('Professional')
    expect(text).not.toContain('Camera')
    // Its shape comes from the image: no "server default" aspect ratio is claimed.
    expect(text).not.toContain('Aspect ratio')
  })

  it('explains a failure with its request id, and Retry sends one task per double click', async () => {
    const failed = job({
      id: 'f1',
      state: 'failed',
      request: { prompt: 'storm' },
      error: {
        kind: 'server',
        status: 500,
        code: '1500',
        message: 'upstream busy',
        request_id: 'req-42',
      },
    })
    seed([failed])
    render(<PlayerDialog id="f1" onClose={() => {}} />)
    await settle()
    expect(screen.getByText('Why it failed')).toBeTruthy()
    expect(screen.getByText('upstream busy')).toBeTruthy()
    expect(screen.getByText('Request id: req-42')).toBeTruthy()
    const retry = screen.getByRole('button', { name: 'Retry' }) as HTMLButtonElement
    fireEvent.click(retry)
    fireEvent.click(retry)
    fireEvent.doubleClick(retry)
    await act(async () => {})
    expect(api.tasks.rerun).toHaveBeenCalledTimes(1)
    expect(retry.disabled).toBe(true)
    finishRerun()
    await settle()
    expect(useJobs.getState().byId.again).toBeTruthy()
    // Done: a click after the answer came back is no second paid task either.
    expect(retry.textContent).toBe('Sent')
    expect(retry.disabled).toBe(true)
    fireEvent.click(retry)
    await settle()
    expect(api.tasks.rerun).toHaveBeenCalledTimes(1)
  })

  it('Generate again is one call per double click too; the secondary actions hand work to Create', async () => {
    const load = vi.fn()
    const takeFrame = vi.fn(async () => {})
    useDraft.setState({ load, takeFrame })
    const onClose = vi.fn()
    render(<PlayerDialog id="v2" onClose={onClose} />)
    await settle()
    const again = screen.getByRole('button', { name: 'Generate again' })
    fireEvent.click(again)
    fireEvent.click(again)
    await act(async () => {})
    expect(api.tasks.rerun).toHaveBeenCalledTimes(1)
    expect(api.tasks.rerun).toHaveBeenCalledWith({ id: 'v2', changes: {} })
    finishRerun()
    await settle()
    fireEvent.click(again)
    await settle()
    expect(api.tasks.rerun).toHaveBeenCalledTimes(1)
    expect(again.textContent).toBe('Sent')

    // What costs nothing can be done again once it is done.
    const favourite = screen.getByRole('button', { name: 'Favourite' })
    fireEvent.click(favourite)
    await settle()
    fireEvent.click(favourite)
    await settle()
    expect(api.tasks.favourite).toHaveBeenCalledTimes(2)

    // One primary action; the rest are secondary or under More.
    expect(screen.getByRole('dialog').querySelectorAll('button.primary')).toHaveLength(1)
    fireEvent.click(screen.getByRole('button', { name: /More/ }))
    expect(screen.getAllByRole('menuitem').map((m) => m.textContent)).toEqual([
      'Show in folder',
      'Open in another app',
      'Copy prompt',
      'Move to trash',
    ])
    fireEvent.keyDown(screen.getByRole('menu'), { key: 'Escape' })
    expect(screen.queryByRole('menu')).toBeNull()

    fireEvent.click(screen.getByRole('button', { name: 'Use last frame' }))
    await settle()
    expect(takeFrame).toHaveBeenCalledWith(useJobs.getState().byId.v2, 'last', 'image')
    fireEvent.click(screen.getByRole('button', { name: 'Edit and generate' }))
    await settle()
    expect(load).toHaveBeenCalledWith('text2video', { prompt: 'Scene 2' })
  })

  it('closes on Move to trash only when its video was deleted, not when main refused', async () => {
    window.confirm = () => true
    api.library.delete.mockResolvedValueOnce({
      ok: false,
      error: { code: 'invalid_state', message: 'the video is being made', requestId: 'req-9' },
    })
    const onClose = vi.fn()
    render(<PlayerDialog id="v1" onClose={onClose} />)
    await settle()
    const trashIt = async () => {
      fireEvent.click(within(player()).getByRole('button', { name: /More/ }))
      fireEvent.click(screen.getByRole('menuitem', { name: 'Move to trash' }))
      await settle()
    }
    await trashIt()
    expect(api.library.delete).toHaveBeenCalledWith({ id: 'v1' })
    // Refused: the player stays on its video, and main's words are said with the request id.
    expect(onClose).not.toHaveBeenCalled()
    expect(player().open).toBe(true)
    expect(shown()).toBe('Scene 1')
    expect(useApp.getState().notice).toMatchObject({
      kind: 'error',
      text: 'the video is being made',
      requestId: 'req-9',
    })
    // Deleted: the player closes.
    await trashIt()
    expect(api.library.delete).toHaveBeenCalledTimes(2)
    expect(onClose).toHaveBeenCalledTimes(1)
  })

  it('keeps keys typed in the Extend dialog there, and extends the video it opened on', async () => {
    seed(extendable(3))
    const onClose = vi.fn()
    const onNavigate = vi.fn()
    render(<PlayerDialog id="v1" onClose={onClose} onNavigate={onNavigate} />)
    await settle()
    fireEvent.click(within(player()).getByRole('button', { name: 'Extend' }))
    const extend = await screen.findByRole('dialog', { name: 'Extend this video' })
    expect(within(extend).getByText('Extending: Scene 1')).toBeTruthy()
    const prompt = within(extend).getByLabelText(/What happens next/)
    // Typed into the prompt, the player's keys are characters: not taken, and nothing moves.
    for (const key of ['[', ']', 'PageUp', 'PageDown'])
      expect(fireEvent.keyDown(prompt, { key })).toBe(true)
    // Nor anywhere else in the Extend dialog.
    expect(fireEvent.keyDown(extend, { key: ']' })).toBe(true)
    await settle()
    expect(onNavigate).not.toHaveBeenCalled()
    expect(shown()).toBe('Scene 1')

    // Even a player that moved on meanwhile extends the video Extend was pressed on.
    fireEvent.click(within(player()).getByRole('button', { name: /Next/ }))
    await settle()
    expect(shown()).toBe('Scene 2')
    expect(within(extend).getByText('Extending: Scene 1')).toBeTruthy()
    fireEvent.change(prompt, { target: { value: 'the camera rises' } })
    fireEvent.click(within(extend).getByRole('button', { name: 'Extend' }))
    await settle()
    expect(api.tasks.extend).toHaveBeenCalledTimes(1)
    expect(api.tasks.extend).toHaveBeenCalledWith({ id: 'v1', prompt: 'the camera rises' })
    // Sent: the Extend dialog closed, the player stays.
    expect(screen.queryByRole('dialog', { name: 'Extend this video' })).toBeNull()
    expect(player().open).toBe(true)
    expect(onClose).not.toHaveBeenCalled()
  })

  it('leaves the player open when the Extend dialog is cancelled or escaped', async () => {
    seed(extendable(2))
    const onClose = vi.fn()
    render(<PlayerDialog id="v0" onClose={onClose} />)
    await settle()
    const openExtend = () => {
      fireEvent.click(within(player()).getByRole('button', { name: 'Extend' }))
      return screen.getByRole('dialog', { name: 'Extend this video' })
    }
    fireEvent.click(within(openExtend()).getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('dialog', { name: 'Extend this video' })).toBeNull()
    expect(player().open).toBe(true)
    await settle()
    // Escape: the Extend dialog's cancel event, which would close it natively.
    const escaped = fireEvent(openExtend(), new Event('cancel', { cancelable: true }))
    expect(escaped).toBe(false)
    expect(screen.queryByRole('dialog', { name: 'Extend this video' })).toBeNull()
    expect(player().open).toBe(true)
    expect(onClose).not.toHaveBeenCalled()
    // The player's own Close still closes it, once.
    fireEvent.click(within(player()).getByRole('button', { name: 'Close' }))
    expect(onClose).toHaveBeenCalledTimes(1)
  })

  it('tells the opener of the extend dialog once that it closed, by Cancel or by Escape', () => {
    const parent = extendable(1)[0]!
    const onClose = vi.fn()
    render(<ExtendDialog job={parent} onClose={onClose} />)
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(onClose).toHaveBeenCalledTimes(1)
    cleanup()
    onClose.mockClear()
    render(<ExtendDialog job={parent} onClose={onClose} />)
    const escaped = fireEvent(screen.getByRole('dialog'), new Event('cancel', { cancelable: true }))
    // Closed by the dialog itself, not by the browser's default (which would close it twice).
    expect(escaped).toBe(false)
    expect(onClose).toHaveBeenCalledTimes(1)
  })

  it('opens on a video the page has not loaded yet, and shows it when it arrives', async () => {
    let answer: (job: Job) => void = () => {}
    api.tasks.get.mockImplementationOnce(
      () =>
        new Promise((resolve) => {
          answer = (j) => resolve(ok({ job: j, history: [], estimateSeconds: null }))
        }),
    )
    render(<PlayerDialog id="late" onClose={() => {}} />)
    expect(player().open).toBe(true)
    expect(within(player()).getByText('Loading…')).toBeTruthy()
    answer(job({ id: 'late', state: 'done', saved: true, request: { prompt: 'Arrived late' } }))
    await settle()
    expect(player().open).toBe(true)
    expect(shown()).toBe('Arrived late')
  })

  it('leaves Ctrl, Cmd and Alt with the video keys to the app, and takes a refused play quietly', async () => {
    const play = vi
      .spyOn(window.HTMLMediaElement.prototype, 'play')
      .mockRejectedValue(new DOMException('no gesture', 'NotAllowedError'))
    render(<PlayerDialog id="v0" onClose={() => {}} />)
    await settle()
    const video = player().querySelector('video')!
    for (const mod of [{ ctrlKey: true }, { metaKey: true }, { altKey: true }]) {
      for (const key of ['k', ' ', 'm', 'f', 'ArrowLeft', 'ArrowRight'])
        expect(fireEvent.keyDown(video, { key, ...mod })).toBe(true)
    }
    expect(play).not.toHaveBeenCalled()
    expect(video.muted).toBe(false)
    // The refusal is caught: nothing is left unhandled.
    expect(fireEvent.keyDown(video, { key: 'k' })).toBe(false)
    expect(play).toHaveBeenCalledTimes(1)
    await settle()
  })
})
