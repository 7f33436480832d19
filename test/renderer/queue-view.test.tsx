// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest'
import { QueueView } from '../../src/renderer/src/features/queue/QueueView'
import { useApp } from '../../src/renderer/src/stores/app'
import { useDraft, type DraftState } from '../../src/renderer/src/stores/draft'
import { useJobs } from '../../src/renderer/src/stores/jobs'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'
import { job } from '../fixtures/job'

const DAY = 86_400_000
let resend: ReturnType<typeof vi.fn>
let rerun: ReturnType<typeof vi.fn>
let load: Mock<DraftState['load']>

beforeEach(() => {
  resend = vi.fn(async () => ({ ok: true, data: {} }))
  rerun = vi.fn(async () => ({ ok: true, data: {} }))
  ;(window as unknown as { api: unknown }).api = {
    tasks: { resend, rerun, get: async () => ({ ok: true, data: { estimateSeconds: null } }) },
  }
  useApp.setState({ settings: { ...DEFAULT_SETTINGS }, queue: null, notice: null })
  load = vi.fn<DraftState['load']>()
  useDraft.setState({ load })
})
afterEach(() => cleanup())

const show = (...jobs: ReturnType<typeof job>[]) =>
  useJobs.setState({ byId: Object.fromEntries(jobs.map((j) => [j.id, j])) })

describe('QueueView', () => {
  it('offers an unconfirmed create only "Send again" with its own id, never a new task, however old', async () => {
    const now = Date.now()
    show(
      job({
        id: 'u1',
        state: 'needs_attention',
        taskId: null,
        createdAt: now - 3 * DAY,
        updatedAt: now - 2 * DAY,
        statusMessage: 'The create request may have reached the server',
      }),
    )
    render(<QueueView />)
    const card = screen.getByText(/may have reached the server/).closest('li')!
    expect(within(card).getByText(/keeps looking it up by its own id/)).toBeTruthy()
    expect(within(card).queryByRole('button', { name: 'Retry' })).toBeNull()
    expect(within(card).queryByRole('button', { name: 'Try again' })).toBeNull()
    fireEvent.click(within(card).getByRole('button', { name: 'Send again' }))
    await waitFor(() => expect(resend).toHaveBeenCalledWith({ id: 'u1' }))
    expect(rerun).not.toHaveBeenCalled()
  })

  it('stops the clock of a failed job at its end, and offers Edit and retry for a policy refusal', () => {
    const now = Date.now()
    const f = job({
      id: 'f1',
      state: 'failed',
      createdAt: now - 10 * 60_000,
      finishedAt: now - 10 * 60_000 + 4_000,
      updatedAt: now - 60_000,
      statusMessage: 'The prompt violates the content policy',
      requestId: 'req-cp',
    })
    show(f)
    render(<QueueView />)
    expect(screen.getByText('Failed after 0:04')).toBeTruthy()
    expect(screen.getByText('The service refused this under its content policy.')).toBeTruthy()
    expect(screen.getByText(/req-cp/)).toBeTruthy()
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull()
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull()
    fireEvent.click(screen.getByRole('button', { name: 'Edit and retry' }))
    expect(load).toHaveBeenCalledWith('text2video', f.request)
    expect(rerun).not.toHaveBeenCalled()
  })

  it('never says "0:00 elapsed" of a job that failed at once', () => {
    const now = Date.now()
    show(
      job({
        id: 'f0',
        state: 'failed',
        createdAt: now - 60_000,
        finishedAt: now - 60_000,
        updatedAt: now - 60_000,
        error: {
          kind: 'authentication',
          status: 401,
          code: null,
          message: 'bad key',
          request_id: 'r1',
        },
        statusMessage: 'bad key',
      }),
    )
    render(<QueueView />)
    expect(screen.queryByText(/0:00/)).toBeNull()
    expect(screen.getByText('The service did not accept the API key.')).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Open Settings' })).toBeTruthy()
  })

  it('tries a retryable failure again once, however often it is clicked', async () => {
    const now = Date.now()
    show(
      job({
        id: 'f2',
        state: 'failed',
        createdAt: now - 60_000,
        finishedAt: now - 50_000,
        updatedAt: now - 50_000,
        error: { kind: 'server', status: 503, code: null, message: 'busy', request_id: 'r2' },
        statusMessage: 'busy',
      }),
    )
    render(<QueueView />)
    const retry = screen.getByRole('button', { name: 'Try again' })
    fireEvent.click(retry)
    fireEvent.click(retry)
    await waitFor(() => expect(screen.getByRole('button', { name: 'Sent' })).toBeTruthy())
    expect(rerun).toHaveBeenCalledTimes(1)
    expect(rerun).toHaveBeenCalledWith({ id: 'f2', changes: {} })
  })

  it('keeps a finished video in view with Play, and lets a waiting one be cancelled once', async () => {
    const now = Date.now()
    const cancel = vi.fn(async () => ({ ok: true, data: undefined }))
    ;(window as unknown as { api: { tasks: Record<string, unknown> } }).api.tasks.cancel = cancel
    show(
      job({
        id: 'd1',
        state: 'done',
        saved: true,
        taskStatus: 'succeed',
        request: { prompt: 'Finished one' },
        createdAt: now - 120_000,
        finishedAt: now - 60_000,
        updatedAt: now - 60_000,
      }),
      job({ id: 'q1', state: 'queued', request: { prompt: 'Waiting one' }, createdAt: now }),
    )
    render(<QueueView />)
    const finished = screen.getByText('Finished one').closest('li')!
    expect(within(finished).getByText('Done', { selector: '.state' })).toBeTruthy()
    // Opening it asks for the player; the dialog itself is the library's, tested on its own.
    useApp.setState({ selected: null })
    fireEvent.click(within(finished).getByRole('button', { name: 'Play' }))
    expect(useApp.getState().selected).toBe('d1')
    useApp.setState({ selected: null })

    const waiting = screen.getByText('Waiting one').closest('li')!
    const button = within(waiting).getByRole('button', { name: 'Cancel' })
    fireEvent.click(button)
    fireEvent.click(button)
    await waitFor(() => expect(screen.queryByText('Waiting one')).toBeNull())
    expect(cancel).toHaveBeenCalledTimes(1)
    expect(cancel).toHaveBeenCalledWith({ id: 'q1' })
  })
})
