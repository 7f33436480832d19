// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useLanguage } from '../../src/renderer/src/i18n'
import { historyMessages } from '../../src/renderer/src/i18n/parts/history'
import { useApp } from '../../src/renderer/src/stores/app'
import type { AppInfo, Envelope, HistoryProblem } from '../../src/shared/contract'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'
import { renderApp } from './render-app'

// The window when main could not open the history: the notice fills it (no sections, nothing
// fetched for them), in the person's language, with the ways out the problem allows; the buttons
// ask main (a stand-in here) for exactly that, and a refusal is said.

const FILE = '/home/ana/.config/Kling Studio/history.db'
let calls: { name: string; input?: unknown }[]
let answer: Envelope<void>

const info = (problem: HistoryProblem): AppInfo => ({
  version: '0.1.0',
  platform: 'linux',
  sandbox: false,
  sandboxReason: null,
  libraryFolder: '/home/ana/Videos/Kling Studio',
  mediaBase: 'media://video/',
  posterBase: 'media://poster/',
  historyProblem: problem,
})

async function show(
  kind: HistoryProblem['kind'],
  message = 'file is not a database',
): Promise<void> {
  useApp.setState({ ready: true, view: 'compose', info: info({ kind, message, file: FILE }) })
  await renderApp()
}

beforeEach(() => {
  calls = []
  answer = { ok: true, data: undefined }
  const record = (name: string) => async (input?: unknown) => {
    calls.push({ name, input })
    if (name === 'app.info') return { ok: true, data: useApp.getState().info }
    return name.startsWith('app.') ? answer : { ok: true, data: null }
  }
  ;(window as unknown as { api: unknown }).api = {
    app: {
      info: record('app.info'),
      startAfresh: record('app.startAfresh'),
      restart: record('app.restart'),
    },
    spend: { summary: record('spend.summary') },
  }
  useLanguage.setState({ language: 'en' })
  useApp.setState({ settings: { ...DEFAULT_SETTINGS }, notice: null })
})
afterEach(() => {
  cleanup()
  vi.restoreAllMocks()
})

describe('history problem notice', () => {
  it('damaged: fills the window, names the file, and Start afresh asks main for that file', async () => {
    await show('damaged')
    expect(screen.getByRole('heading', { level: 1, name: 'Your history cannot be read' })).toBe(
      document.activeElement,
    )
    expect(screen.queryByRole('navigation')).toBeNull()
    expect(screen.getByText(`File: ${FILE}`)).toBeTruthy()
    expect(screen.getByText('Detail: file is not a database')).toBeTruthy()
    expect(screen.getByText(/Rescan folder in the Library/)).toBeTruthy()
    expect(calls.map((c) => c.name)).not.toContain('spend.summary')
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull()
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Start afresh' }))
    })
    expect(calls).toContainEqual({ name: 'app.startAfresh', input: { file: FILE } })
    expect(screen.getByText('Restarting…')).toBeTruthy()
  })

  it('says a refusal from main, and lets the person try again', async () => {
    answer = {
      ok: false,
      error: { code: 'move_failed', message: `${FILE} could not be moved aside: EACCES` },
    }
    await show('damaged')
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Start afresh' }))
    })
    expect(screen.getByRole('alert').textContent).toBe(
      `That did not work: ${FILE} could not be moved aside: EACCES`,
    )
    expect(
      (screen.getByRole('button', { name: 'Start afresh' }) as HTMLButtonElement).disabled,
    ).toBe(false)
  })

  it('locked: Try again restarts; Quit closes the window', async () => {
    const close = vi.spyOn(window, 'close').mockImplementation(() => {})
    await show('locked', 'another process is holding it (database is locked)')
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Your history is busy')
    expect(screen.queryByRole('button', { name: 'Start afresh' })).toBeNull()
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Try again' }))
    })
    expect(calls.map((c) => c.name)).toContain('app.restart')
    cleanup()
    await show('locked')
    fireEvent.click(screen.getByRole('button', { name: 'Quit' }))
    expect(close).toHaveBeenCalledTimes(1)
  })

  it('full: says the disk is full, offers Try again and never Start afresh', async () => {
    await show(
      'full',
      'the disk holding it is full (database or disk is full); free some space there',
    )
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(
      'The disk holding your history is full',
    )
    expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual(['Try again', 'Quit'])
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Try again' }))
    })
    expect(calls.map((c) => c.name)).toContain('app.restart')
  })

  it('newer: only Quit, in Indonesian too', async () => {
    useLanguage.setState({ language: 'id' })
    await show('newer', 'it was written by a newer Kling Studio (schema 9; this one knows 6)')
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(
      'Riwayat ini dari Kling Studio yang lebih baru',
    )
    expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual(['Keluar'])
    expect(screen.getByText(`Berkas: ${FILE}`)).toBeTruthy()
  })

  it('every message in both languages, none empty, none shared with another part', async () => {
    const { en, id } = historyMessages
    expect(Object.keys(id).sort()).toEqual(Object.keys(en).sort())
    for (const [key, text] of Object.entries(id)) {
      expect(text.trim()).not.toBe('')
      if (!key.endsWith('.file') && !key.endsWith('.detail'))
        expect(text).not.toBe(en[key as keyof typeof en])
    }
    expect(Object.keys(en).every((k) => k.startsWith('history.'))).toBe(true)
  })
})
