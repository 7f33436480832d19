// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { QueueView } from '../../src/renderer/src/features/queue/QueueView'
import { useApp } from '../../src/renderer/src/stores/app'
import { useJobs } from '../../src/renderer/src/stores/jobs'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'
import { job } from '../fixtures/job'

const DAY = 86_400_000
let resend: ReturnType<typeof vi.fn>
let rerun: ReturnType<typeof vi.fn>

beforeEach(() => {
  resend = vi.fn(async () => ({ ok: true, data: {} }))
  rerun = vi.fn(async () => ({ ok: true, data: {} }))
  ;(window as unknown as { api: unknown }).api = {
    tasks: { resend, rerun, get: async () => ({ ok: true, data: { estimateSeconds: null } }) },
  }
  useApp.setState({ settings: { ...DEFAULT_SETTINGS }, queue: null, notice: null })
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
    expect(within(card).getByText(/keeps looking this request up by its own id/)).toBeTruthy()
    expect(within(card).queryByRole('button', { name: 'Retry' })).toBeNull()
    fireEvent.click(within(card).getByRole('button', { name: 'Send again' }))
    await waitFor(() => expect(resend).toHaveBeenCalledWith({ id: 'u1' }))
    expect(rerun).not.toHaveBeenCalled()
  })

  it('stops the clock of an ended job at its end', () => {
    const now = Date.now()
    show(
      job({
        id: 'f1',
        state: 'failed',
        createdAt: now - 10 * 60_000,
        finishedAt: now - 10 * 60_000 + 4_000,
        updatedAt: now - 60_000,
        statusMessage: 'content policy',
      }),
    )
    render(<QueueView />)
    expect(screen.getByText('0:04 elapsed')).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy()
  })
})
