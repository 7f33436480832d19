// @vitest-environment happy-dom
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { QueueView } from '../../src/renderer/src/features/queue/QueueView'
import { Tile } from '../../src/renderer/src/features/feed/Tile'
import type { TileProps } from '../../src/renderer/src/features/feed/TileHead'
import { base } from '../../src/renderer/src/i18n/en'
import { useLanguage } from '../../src/renderer/src/i18n'
import { createMessages } from '../../src/renderer/src/i18n/parts/create'
import { feedMessages } from '../../src/renderer/src/i18n/parts/feed'
import { historyMessages } from '../../src/renderer/src/i18n/parts/history'
import { libraryMessages } from '../../src/renderer/src/i18n/parts/library'
import { playerMessages } from '../../src/renderer/src/i18n/parts/player'
import { settingsMessages } from '../../src/renderer/src/i18n/parts/settings'
import { spendMessages } from '../../src/renderer/src/i18n/parts/spend'
import { troubleMessages } from '../../src/renderer/src/i18n/parts/trouble'
import { viewErrorMessages } from '../../src/renderer/src/i18n/parts/view-error'
import { welcomeMessages } from '../../src/renderer/src/i18n/parts/welcome'
import { useApp } from '../../src/renderer/src/stores/app'
import { useJobs } from '../../src/renderer/src/stores/jobs'
import type { EventPayloads, JobTrouble, QueueStats } from '../../src/shared/contract'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'
import { job } from '../fixtures/job'

// The line a job's card shows while main retries a step that failed on this computer: from the
// list a window gets at its start (queue.stats), then as main tells each change (tasks.trouble),
// in English and Indonesian, on the queue's cards and the feed's tiles, gone once it is cleared.

const NOW = 1_800_000_000_000
const OTHER_PARTS = [
  createMessages,
  feedMessages,
  historyMessages,
  libraryMessages,
  playerMessages,
  settingsMessages,
  spendMessages,
  viewErrorMessages,
  welcomeMessages,
]
const ok = <T,>(data: T) => ({ ok: true as const, data })

type Listener = (payload: unknown) => void
let listeners: Map<string, Set<Listener>>
let stats: QueueStats

/** Main sends an event, as the bridge hands it to the page. */
const send = <E extends keyof EventPayloads>(event: E, payload: EventPayloads[E]) =>
  act(() => {
    for (const l of listeners.get(event) ?? []) l(payload)
  })

const trouble = (over: Partial<JobTrouble>): JobTrouble => ({
  kind: 'locked',
  message: 'English, for the log',
  attempts: 1,
  retryAt: NOW + 1_000,
  ...over,
})

beforeEach(() => {
  // Only the clock is fixed: timers and promises run as usual.
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(NOW)
  listeners = new Map()
  stats = { running: 1, queued: 0, concurrency: 3, paused: false, troubles: {} }
  ;(window as unknown as { api: unknown }).api = {
    tasks: { get: async () => ok({ estimateSeconds: null }) },
    queue: { stats: async () => ok(stats) },
    on: (event: string, listener: Listener) => {
      if (!listeners.has(event)) listeners.set(event, new Set())
      listeners.get(event)!.add(listener)
      return () => listeners.get(event)!.delete(listener)
    },
  }
  useApp.setState({ settings: { ...DEFAULT_SETTINGS }, queue: null, notice: null })
  useJobs.setState({ byId: {}, troubles: {} })
  useLanguage.getState().setLanguage('en')
})
afterEach(() => {
  cleanup()
  vi.useRealTimers()
})

const show = (...jobs: ReturnType<typeof job>[]) =>
  useJobs.setState({ byId: Object.fromEntries(jobs.map((j) => [j.id, j])) })

describe('a step main retries, on its card', () => {
  it('shows the trouble a new window is handed, then each change, in English and Indonesian', async () => {
    show(job({ id: 'j1', state: 'processing', taskId: 't1', createdAt: NOW - 60_000 }))
    stats.troubles = { j1: trouble({ kind: 'full', attempts: 3, retryAt: NOW + 8_000 }) }
    render(<QueueView />)
    const card = screen.getByText('p').closest('li')!
    await waitFor(() =>
      expect(within(card).getByRole('status').textContent).toBe(
        'Progress cannot be saved: the disk holding your history is full. Trying again in 8 s (attempt 4).',
      ),
    )

    send('tasks.trouble', { jobId: 'j1', trouble: trouble({ kind: 'locked', attempts: 1 }) })
    expect(within(card).getByRole('status').textContent).toBe(
      'Progress cannot be saved: your history is locked by another program. Trying again in 1 s (attempt 2).',
    )
    act(() => useLanguage.getState().setLanguage('id'))
    expect(within(card).getByRole('status').textContent).toBe(
      'Progres tidak dapat disimpan: riwayat Anda sedang dikunci oleh program lain. Mencoba lagi dalam 1 detik (percobaan ke-2).',
    )

    // Another job's news is not this card's.
    send('tasks.trouble', { jobId: 'j2', trouble: trouble({ kind: 'write' }) })
    expect(within(card).getAllByRole('status')).toHaveLength(1)
    send('tasks.trouble', { jobId: 'j1', trouble: null })
    expect(within(card).queryByRole('status')).toBeNull()
    expect(useJobs.getState().troubles).toEqual({ j2: expect.objectContaining({ kind: 'write' }) })
  })

  it('says the try is under way once its time has come, and stops listening when no card shows', async () => {
    show(job({ id: 'j1', state: 'creating', createdAt: NOW - 5_000 }))
    const view = render(<QueueView />)
    await waitFor(() => expect(listeners.get('tasks.trouble')?.size).toBe(1))
    send('tasks.trouble', {
      jobId: 'j1',
      trouble: trouble({ kind: 'unexpected', attempts: 6, retryAt: NOW - 10 }),
    })
    expect(screen.getByRole('status').textContent).toBe(
      'Something unexpected stopped the next step of this video. Trying again now (attempt 7).',
    )
    view.unmount()
    expect(listeners.get('tasks.trouble')?.size).toBe(0)
  })

  it('shows on the feed’s tiles: a take on its way and an unconfirmed create being looked up', async () => {
    const props = (j: ReturnType<typeof job>): TileProps => ({
      job: j,
      take: 0,
      shape: '16 / 9',
      parentPrompt: null,
      extensions: 0,
      selected: false,
      selectable: true,
      onSelect: () => {},
      onExtend: () => {},
      onEdit: () => {},
    })
    const running = job({ id: 'r1', state: 'downloading', taskId: 't1', createdAt: NOW - 1_000 })
    const unsure = job({
      id: 'u1',
      state: 'needs_attention',
      createdAt: NOW - 1_000,
      statusMessage: 'The create request may have reached the server',
    })
    show(running, unsure)
    stats.troubles = {
      r1: trouble({ kind: 'write', attempts: 2, retryAt: NOW + 3_000 }),
      u1: trouble({ kind: 'locked', attempts: 1, retryAt: NOW + 1_000 }),
    }
    render(
      <ul>
        <Tile {...props(running)} />
        <Tile {...props(unsure)} />
      </ul>,
    )
    await waitFor(() => expect(screen.getAllByText(/Trying again/)).toHaveLength(2))
    expect(screen.getByText(/your history could not be written/).textContent).toBe(
      'Progress cannot be saved: your history could not be written. Trying again in 3 s (attempt 3).',
    )
    expect(screen.getByText(/locked by another program/)).toBeTruthy()
  })

  it('says every line in both languages, under keys no other part of the catalogue has', () => {
    expect(Object.keys(troubleMessages.id).sort()).toEqual(Object.keys(troubleMessages.en).sort())
    for (const [key, text] of Object.entries(troubleMessages.en))
      expect(troubleMessages.id[key as keyof typeof troubleMessages.id]).not.toBe(text)
    const others = [base, ...OTHER_PARTS.map((p) => p.en)].flatMap((m) => Object.keys(m))
    expect(others.filter((k) => k in troubleMessages.en)).toEqual([])
  })
})
