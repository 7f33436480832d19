// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useFirstRun } from '../../src/renderer/src/features/welcome/first-run'
import { useLanguage } from '../../src/renderer/src/i18n'
import { useApp } from '../../src/renderer/src/stores/app'
import { ErrorBoundary } from '../../src/renderer/src/ui/ErrorBoundary'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'
import { renderApp } from './render-app'

// A view that throws while drawing is replaced by a calm panel in the person's language (what
// happened, Reload this view, the message for support) while the rail and the other views keep
// working. The Spending and Queue views stand in here: Spending throws while `broken.spend` is on.

const broken = { spend: false, renders: 0 }

vi.mock('../../src/renderer/src/features/spend/SpendView', () => ({
  SpendView: () => {
    broken.renders++
    if (broken.spend) throw new Error('Cannot read properties of undefined (reading "units")')
    return <h1>Spending, working</h1>
  },
}))
vi.mock('../../src/renderer/src/features/queue/QueueView', () => ({
  QueueView: () => <h1>Queue, working</h1>,
}))

const ok = <T,>(data: T) => ({ ok: true as const, data })

beforeEach(() => {
  broken.spend = true
  broken.renders = 0
  // React reports a caught error on the console as well; the panel is what this test reads.
  vi.spyOn(console, 'error').mockImplementation(() => {})
  ;(window as unknown as { api: unknown }).api = {
    app: {
      info: async () =>
        ok({
          version: '0.1.0',
          platform: 'linux',
          sandbox: false,
          sandboxReason: null,
          libraryFolder: '/home/ana/Videos/Kling Studio',
          mediaBase: 'media://video/',
          posterBase: 'media://poster/',
        }),
    },
    spend: { summary: async () => ({ ok: false, error: { code: 'internal', message: 'n/a' } }) },
  }
  useFirstRun.setState({ done: true, holding: false })
  useLanguage.setState({ language: 'en' })
  useApp.setState({
    ready: true,
    view: 'spend',
    settings: { ...DEFAULT_SETTINGS },
    key: { set: true, last4: 'abcd', storage: 'keychain', warning: null },
    info: null,
    notice: null,
  })
})
afterEach(() => {
  cleanup()
  vi.restoreAllMocks()
})

describe('a view that throws', () => {
  it('is replaced by a panel; the rail and the other views keep working', async () => {
    await renderApp()
    const panel = screen.getByRole('alert')
    expect(
      screen.getByRole('heading', { name: 'This view stopped working', level: 1 }),
    ).toBeTruthy()
    expect(panel.textContent).toContain('Something went wrong while showing Spending.')
    expect(panel.textContent).toContain('Cannot read properties of undefined (reading "units")')
    // The rail still works: another view opens.
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Queue' })))
    expect(screen.getByRole('heading', { name: 'Queue, working' })).toBeTruthy()
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('Reload this view mounts it afresh, and works once the cause is gone', async () => {
    await renderApp()
    const failed = broken.renders
    // Still broken: the panel again, after one more try.
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Reload this view' })))
    expect(broken.renders).toBeGreaterThan(failed)
    expect(screen.getByRole('alert')).toBeTruthy()
    broken.spend = false
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Reload this view' })))
    expect(screen.getByRole('heading', { name: 'Spending, working' })).toBeTruthy()
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('speaks the person’s language', async () => {
    useLanguage.setState({ language: 'id' })
    await renderApp()
    expect(screen.getByRole('heading', { name: 'Tampilan ini berhenti bekerja' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Muat ulang tampilan ini' })).toBeTruthy()
    expect(screen.getByRole('alert').textContent).toContain('Pengeluaran')
  })

  it('keeps a sibling outside the boundary drawn, and puts the keyboard on the panel', async () => {
    const Boom = (): React.JSX.Element => {
      throw new Error('boom')
    }
    render(
      <div>
        <p>outside</p>
        <ErrorBoundary name="Create">
          <Boom />
        </ErrorBoundary>
      </div>,
    )
    expect(screen.getByText('outside')).toBeTruthy()
    expect(document.activeElement?.textContent).toBe('This view stopped working')
  })
})
