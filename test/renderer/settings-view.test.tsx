// @vitest-environment happy-dom
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
