// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { useFirstRun } from '../../src/renderer/src/features/welcome/first-run'
import { KEY_PAGE } from '../../src/renderer/src/features/welcome/KeyLink'
import { useLanguage } from '../../src/renderer/src/i18n'
import { useApp } from '../../src/renderer/src/stores/app'
import type { AppInfo, Envelope, KeyStatus, KeyTest } from '../../src/shared/contract'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'
import { renderApp } from './render-app'

// First run: the key is tested as it is saved, and what the test says decides where the person
// goes. The page talks to a stand-in for main that keeps a key and answers a test the way main
// does (a result for a refusal, an error envelope when the service was not reached).

const KEY = 'sk-welcome-distinct-7f3a'

type Answer = 'works' | 'refused' | 'unreachable'

function fakeMain(answer: { next: Answer }) {
  let key: string | null = null
  const calls: string[] = []
  const status = (): KeyStatus => ({
    set: key !== null,
    last4: key ? key.slice(-4) : null,
    storage: 'keychain',
    warning: null,
  })
  const info = (): AppInfo => ({
    version: '0.1.0',
    platform: 'linux',
    sandbox: key === null,
    sandboxReason: key === null ? 'no_key' : null,
    libraryFolder: '/home/ana/Videos/Kling Studio',
    mediaBase: 'media://video/',
    posterBase: 'media://poster/',
  })
  const ok = <T,>(data: T): Envelope<T> => ({ ok: true, data })
  const api = {
    key: {
      set: async (input: { key: string }) => {
        calls.push('key.set')
        key = input.key
        return ok(status())
      },
      clear: async () => {
        calls.push('key.clear')
        key = null
        return ok(status())
      },
      status: async () => ok(status()),
      test: async (): Promise<Envelope<KeyTest>> => {
        calls.push('key.test')
        if (answer.next === 'works')
          return ok({ valid: true, message: 'The key works', requestId: null })
        if (answer.next === 'refused')
          return ok({
            valid: false,
            message: 'The service refused this key: authentication failed (HTTP 401, code 1002)',
            requestId: 'rq-refused-1',
          })
        return {
          ok: false,
          error: {
            code: 'network',
            message:
              'Querying task ks-key-check-1 failed: could not reach the server (ECONNREFUSED)',
          },
        }
      },
    },
    app: { info: async () => ok(info()) },
    settings: { update: async () => ok(DEFAULT_SETTINGS) },
  }
  return { api, calls, key: () => key }
}

let main: ReturnType<typeof fakeMain>
const answer: { next: Answer } = { next: 'works' }

beforeEach(() => {
  localStorage.clear()
  answer.next = 'works'
  main = fakeMain(answer)
  ;(window as unknown as { api: unknown }).api = main.api
  useFirstRun.setState({ done: false, holding: false })
  useLanguage.setState({ language: 'en' })
  useApp.setState({
    ready: true,
    view: 'settings',
    settings: { ...DEFAULT_SETTINGS },
    key: { set: false, last4: null, storage: 'keychain', warning: null },
    info: {
      version: '0.1.0',
      platform: 'linux',
      sandbox: true,
      sandboxReason: 'no_key',
      libraryFolder: '/home/ana/Videos/Kling Studio',
      mediaBase: 'media://video/',
      posterBase: 'media://poster/',
    },
    notice: null,
  })
})
afterEach(() => cleanup())

async function saveKey(): Promise<void> {
  fireEvent.change(screen.getByLabelText('CometAPI key'), { target: { value: KEY } })
  await act(async () => {
    fireEvent.click(screen.getByRole('button', { name: 'Save key and start' }))
  })
}

describe('first run', () => {
  it('locks the sections while the welcome screen is up, and says why', async () => {
    await renderApp()
    expect(screen.getByRole('heading', { name: 'Welcome to Kling Studio', level: 1 })).toBeTruthy()
    for (const name of ['Create', 'Queue', 'Library', 'Settings']) {
      const item = screen.getByRole('button', { name }) as HTMLButtonElement
      expect(item.disabled).toBe(true)
      expect(item.getAttribute('aria-current')).toBeNull()
      expect(item.getAttribute('aria-describedby')).toBe('rail-locked')
    }
    expect(document.getElementById('rail-locked')?.textContent).toMatch(/Save a key or try sandbox/)
    // Nothing is running in sandbox yet: the person has not picked a path.
    expect(document.querySelector('.badge.sandbox')).toBeNull()
    const link = screen.getByRole('link', { name: /Get a CometAPI key/ })
    expect(link.getAttribute('href')).toBe(KEY_PAGE)
    expect(link.getAttribute('target')).toBe('_blank')
    expect(link.getAttribute('rel')).toBe('noreferrer')
  })

  it('tests a key as it is saved, and a key that works opens Create', async () => {
    await renderApp()
    await saveKey()
    await waitFor(() => expect(useApp.getState().view).toBe('compose'))
    expect(main.calls).toEqual(['key.set', 'key.test'])
    expect(main.key()).toBe(KEY)
    expect(useFirstRun.getState().done).toBe(true)
    expect(localStorage.getItem('kling.welcome.done')).toBe('1')
    expect(useApp.getState().notice?.text).toBe('The key works. Everything is ready.')
  })

  it('keeps the person on the welcome screen when the service refuses the key, and forgets it', async () => {
    answer.next = 'refused'
    await renderApp()
    await saveKey()
    const error = await screen.findByRole('alert')
    expect(error.textContent).toMatch(/CometAPI did not accept this key, so it was not kept/)
    expect(error.textContent).toMatch(/request id rq-refused-1/)
    expect(main.calls).toEqual(['key.set', 'key.test', 'key.clear'])
    expect(main.key()).toBeNull()
    expect(useApp.getState().key?.set).toBe(false)
    // Still the welcome screen, the field ready for another key, the sections still locked.
    expect(screen.getByRole('heading', { name: 'Welcome to Kling Studio' })).toBeTruthy()
    const field = screen.getByLabelText('CometAPI key') as HTMLInputElement
    expect(document.activeElement).toBe(field)
    expect(field.value).toBe('')
    expect(field.getAttribute('aria-invalid')).toBe('true')
    expect(field.getAttribute('aria-describedby')).toContain('welcome-key-error')
    expect((screen.getByRole('button', { name: 'Library' }) as HTMLButtonElement).disabled).toBe(
      true,
    )
    expect(useFirstRun.getState().done).toBe(false)
    expect(document.body.innerHTML).not.toContain(KEY)
  })

  it('says the service could not be reached, keeps the key, and lets the person go on', async () => {
    answer.next = 'unreachable'
    await renderApp()
    await saveKey()
    const box = await screen.findByRole('alert')
    expect(box.textContent).toMatch(/The key could not be checked\./)
    expect(box.textContent).toMatch(/The service could not be reached\./)
    expect(box.textContent).toMatch(/ECONNREFUSED/)
    expect(main.key()).toBe(KEY)
    const onward = screen.getByRole('button', { name: 'Continue anyway' })
    expect(document.activeElement).toBe(onward)
    expect(document.body.innerHTML).not.toContain(KEY)

    // Checking again once the service answers goes straight on.
    answer.next = 'works'
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Check again' }))
    })
    await waitFor(() => expect(useFirstRun.getState().done).toBe(true))
    expect(main.calls).toEqual(['key.set', 'key.test', 'key.test'])
  })

  it('goes on without a check when asked to', async () => {
    answer.next = 'unreachable'
    await renderApp()
    await saveKey()
    fireEvent.click(await screen.findByRole('button', { name: 'Continue anyway' }))
    expect(useFirstRun.getState().done).toBe(true)
    expect(useApp.getState().view).toBe('compose')
  })

  it('says a refusal in Indonesian', async () => {
    answer.next = 'refused'
    useLanguage.setState({ language: 'id' })
    await renderApp()
    fireEvent.change(screen.getByLabelText('Kunci CometAPI'), { target: { value: KEY } })
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Simpan kunci dan mulai' }))
    })
    const error = await screen.findByRole('alert')
    expect(error.textContent).toMatch(/CometAPI tidak menerima kunci ini/)
    expect(error.textContent).toMatch(/ID permintaan rq-refused-1/)
    expect(screen.getByText(/Simpan kunci atau coba mode sandbox/)).toBeTruthy()
  })

  it('unlocks the sections once a path is picked, with the sandbox badge as main says', async () => {
    useFirstRun.setState({ done: true })
    useApp.setState({
      info: { ...useApp.getState().info!, sandbox: true, sandboxReason: 'setting' },
      settings: { ...DEFAULT_SETTINGS, sandboxMode: true },
    })
    main.api.app.info = async () => ({ ok: true, data: useApp.getState().info! })
    await renderApp()
    const settings = screen.getByRole('button', { name: 'Settings' }) as HTMLButtonElement
    expect(settings.disabled).toBe(false)
    expect(settings.getAttribute('aria-current')).toBe('page')
    expect(document.querySelector('.badge.sandbox')?.textContent).toBe('Sandbox')
    expect(screen.queryByText(/Save a key or try sandbox/)).toBeNull()
    await waitFor(() =>
      expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Settings' })),
    )
  })
})
