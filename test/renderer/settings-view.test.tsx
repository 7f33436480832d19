// @vitest-environment happy-dom
// Settings: the library folder, sandbox mode as it really is, and what a key test finds.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SettingsView } from '../../src/renderer/src/features/settings/SettingsView'
import { useApp } from '../../src/renderer/src/stores/app'
import { useLanguage } from '../../src/renderer/src/i18n'
import type { AppInfo } from '../../src/shared/contract'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'

const info: AppInfo = {
  version: '0.1.0',
  platform: 'linux',
  sandbox: false,
  sandboxReason: null,
  libraryFolder: '/home/ana/Videos/Kling Studio',
  mediaBase: 'media://video/',
  posterBase: 'media://poster/',
}
let update: ReturnType<typeof vi.fn>

beforeEach(() => {
  update = vi.fn(async (patch: Record<string, unknown>) => ({
    ok: true,
    data: { ...DEFAULT_SETTINGS, ...patch },
  }))
  const appInfo = vi.fn(async () => ({
    ok: true,
    data: { ...info, libraryFolder: '/srv/renders' },
  }))
  ;(window as unknown as { api: unknown }).api = {
    settings: { update },
    app: { info: appInfo },
    library: { chooseFolder: vi.fn(async () => ({ ok: true, data: '/srv/renders' })) },
  }
  useLanguage.setState({ language: 'en' })
  useApp.setState({
    settings: { ...DEFAULT_SETTINGS },
    key: { set: true, last4: '9d41', storage: 'keychain', warning: null },
    info,
    notice: null,
  })
})
afterEach(() => cleanup())

describe('SettingsView: library folder', () => {
  it('says what a change does, and refuses a relative path before sending it', () => {
    render(<SettingsView />)
    const field = screen.getByLabelText('Library folder')
    expect(field.getAttribute('aria-describedby')).toBe('library-help')
    expect(screen.getByText(/Videos already saved stay where they are/)).toBeTruthy()
    fireEvent.change(field, { target: { value: 'renders' } })
    expect(
      screen.getByText('Give the full path of a folder, such as /Users/ana/Movies/Kling.'),
    ).toBeTruthy()
    expect(field.getAttribute('aria-invalid')).toBe('true')
    const save = screen.getByLabelText('Library folder').parentElement!.querySelector('button')!
    expect(save.disabled).toBe(true)
    fireEvent.click(save)
    expect(update).not.toHaveBeenCalled()
  })

  it('saves a whole path and shows the folder main now uses', async () => {
    render(<SettingsView />)
    const field = screen.getByLabelText('Library folder')
    fireEvent.change(field, { target: { value: '/srv/renders' } })
    fireEvent.click(field.parentElement!.querySelector('button')!)
    await waitFor(() => expect(useApp.getState().info?.libraryFolder).toBe('/srv/renders'))
    expect(update).toHaveBeenCalledWith({ libraryFolder: '/srv/renders' })
  })

  it('takes a folder from the system picker and saves it', async () => {
    render(<SettingsView />)
    fireEvent.click(screen.getByRole('button', { name: 'Choose…' }))
    await waitFor(() => expect(update).toHaveBeenCalledWith({ libraryFolder: '/srv/renders' }))
    await waitFor(() =>
      expect((screen.getByLabelText('Library folder') as HTMLInputElement).value).toBe(
        '/srv/renders',
      ),
    )
  })
})

describe('SettingsView: sandbox mode as it is', () => {
  it('is ticked and locked while no key is set, and says why', () => {
    useApp.setState({
      key: { set: false, last4: null, storage: 'keychain', warning: null },
      info: { ...info, sandbox: true, sandboxReason: 'no_key' },
    })
    render(<SettingsView />)
    const box = screen.getByRole('checkbox', { name: /Sandbox mode/ }) as HTMLInputElement
    expect(box.checked).toBe(true)
    expect(box.disabled).toBe(true)
    expect(document.getElementById(box.getAttribute('aria-describedby')!)?.textContent).toMatch(
      /^On, because no key is set/,
    )
  })

  it('is the choice when a key is set, and turning it off asks main again', async () => {
    useApp.setState({
      settings: { ...DEFAULT_SETTINGS, sandboxMode: true },
      info: { ...info, sandbox: true, sandboxReason: 'setting' },
    })
    render(<SettingsView />)
    const box = screen.getByRole('checkbox', { name: /Sandbox mode/ }) as HTMLInputElement
    expect(box.checked).toBe(true)
    expect(box.disabled).toBe(false)
    expect(screen.getByText(/Turn it off to make real videos with your key/)).toBeTruthy()
    fireEvent.click(box)
    await waitFor(() => expect(update).toHaveBeenCalledWith({ sandboxMode: false }))
    await waitFor(() => expect(useApp.getState().info?.libraryFolder).toBe('/srv/renders'))
  })

  it('says it is off, and what that costs', () => {
    render(<SettingsView />)
    const box = screen.getByRole('checkbox', { name: /Sandbox mode/ }) as HTMLInputElement
    expect(box.checked).toBe(false)
    expect(screen.getByText(/charged to your CometAPI account/)).toBeTruthy()
  })
})

describe('SettingsView: testing the key', () => {
  const withTest = (answer: unknown) => {
    const api = (window as unknown as { api: Record<string, unknown> }).api
    api.key = { test: vi.fn(async () => answer) }
  }

  it('says the key works there, with the request id', async () => {
    withTest({ ok: true, data: { valid: true, message: 'The key works', requestId: 'rq-ok-3' } })
    render(<SettingsView />)
    fireEvent.click(screen.getByRole('button', { name: 'Test key' }))
    const result = await screen.findByRole('status')
    expect(result.textContent).toBe(
      'The key works at https://api.cometapi.com. (request id rq-ok-3)',
    )
    expect(screen.getByRole('button', { name: 'Test key' }).getAttribute('aria-describedby')).toBe(
      result.id,
    )
  })

  it('says a refusal in the chosen language, with main words and the request id', async () => {
    withTest({
      ok: true,
      data: {
        valid: false,
        message: 'The service refused this key: authentication failed',
        requestId: 'rq-no-4',
      },
    })
    useLanguage.setState({ language: 'id' })
    try {
      render(<SettingsView />)
      fireEvent.click(screen.getByRole('button', { name: 'Uji kunci' }))
      const result = await screen.findByRole('alert')
      expect(result.textContent).toMatch(/^CometAPI tidak menerima kunci ini\./)
      expect(result.textContent).toMatch(/authentication failed/)
      expect(result.textContent).toMatch(/ID permintaan rq-no-4/)
    } finally {
      useLanguage.setState({ language: 'en' })
    }
  })

  it('says an address that cannot be reached, and why', async () => {
    withTest({
      ok: false,
      error: { code: 'timeout', message: 'Querying task ks-1 got no answer within 15 s' },
    })
    render(<SettingsView />)
    fireEvent.click(screen.getByRole('button', { name: 'Test key' }))
    const result = await screen.findByRole('alert')
    expect(result.textContent).toBe(
      'Could not reach https://api.cometapi.com. Querying task ks-1 got no answer within 15 s',
    )
  })

  it('tests the key at a new address as it is saved', async () => {
    withTest({
      ok: false,
      error: { code: 'network', message: 'failed: could not reach the server (ENOTFOUND)' },
    })
    render(<SettingsView />)
    const field = screen.getByLabelText('API address')
    fireEvent.change(field, { target: { value: 'https://gateway.example.com' } })
    fireEvent.click(field.parentElement!.querySelector('button')!)
    const result = await screen.findByRole('alert')
    expect(update).toHaveBeenCalledWith({ baseUrl: 'https://gateway.example.com' })
    expect(result.textContent).toMatch(/^Could not reach https:\/\/gateway\.example\.com\./)
    expect(result.textContent).toMatch(/ENOTFOUND/)
    expect(field.getAttribute('aria-describedby')).toContain(result.id)
  })

  it('says why an address was not saved', async () => {
    update.mockImplementationOnce(async () => ({
      ok: false,
      error: { code: 'invalid_input', message: 'baseUrl must be an https URL' },
    }))
    render(<SettingsView />)
    const field = screen.getByLabelText('API address')
    fireEvent.change(field, { target: { value: 'http://gateway.example.com' } })
    fireEvent.click(field.parentElement!.querySelector('button')!)
    const result = await screen.findByRole('alert')
    expect(result.textContent).toBe(
      'The address was not saved. That was not accepted. baseUrl must be an https URL',
    )
    expect(field.getAttribute('aria-invalid')).toBe('true')
  })
})

describe('SettingsView: where the key is kept', () => {
  it("says main's storage warning in the person's language", () => {
    useApp.setState({
      key: {
        set: true,
        last4: '9d41',
        storage: 'safe-storage',
        warning:
          'Your API key is stored with Linux\'s "basic_text" backend, which only obscures it',
      },
    })
    useLanguage.setState({ language: 'id' })
    try {
      render(<SettingsView />)
      expect(screen.getByText(/backend "basic_text" Linux, yang hanya menyamarkannya/)).toBeTruthy()
      expect(screen.queryByText(/only obscures it/)).toBeNull()
    } finally {
      useLanguage.setState({ language: 'en' })
    }
  })
})
