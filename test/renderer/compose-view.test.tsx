// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ComposeView } from '../../src/renderer/src/features/compose/ComposeView'
import { useApp } from '../../src/renderer/src/stores/app'
import { useLanguage } from '../../src/renderer/src/i18n'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'

let create: ReturnType<typeof vi.fn>

beforeEach(() => {
  create = vi.fn(async () => ({ ok: true, data: {} }))
  ;(window as unknown as { api: unknown }).api = { tasks: { create } }
  useApp.setState({
    settings: { ...DEFAULT_SETTINGS, defaults: { aspect_ratio: '9:16' } },
    draft: null,
    notice: null,
  })
})
afterEach(() => cleanup())

describe('ComposeView', () => {
  it('counts characters live and shows the shared validation inline', () => {
    render(<ComposeView />)
    const prompt = screen.getByLabelText('Prompt')
    fireEvent.change(prompt, { target: { value: 'x'.repeat(501) } })
    expect(screen.getByText('501 / 500')).toBeTruthy()
    expect(screen.getByText('Prompt: at most 500 characters (now 501).')).toBeTruthy()
    expect(prompt.getAttribute('aria-invalid')).toBe('true')
  })

  it('generates on Ctrl+Enter with the defaults from settings and only the options set', async () => {
    render(<ComposeView />)
    const prompt = screen.getByLabelText('Prompt')
    fireEvent.change(prompt, { target: { value: 'A koi pond at night' } })
    fireEvent.keyDown(prompt, { key: 'Enter', ctrlKey: true })
    await waitFor(() => expect(create).toHaveBeenCalledTimes(1))
    const { request } = create.mock.calls[0]![0] as { request: Record<string, unknown> }
    expect(request).toEqual({
      prompt: 'A koi pond at night',
      aspect_ratio: '9:16',
      external_task_id: expect.stringMatching(/^ks-/),
    })
    await waitFor(() => expect(useApp.getState().notice?.text).toMatch(/Sent/))
  })

  it('does not send an invalid request, and says why', async () => {
    render(<ComposeView />)
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }))
    expect(create).not.toHaveBeenCalled()
    expect(screen.getByText('Prompt must not be empty.')).toBeTruthy()
  })

  it('says validation errors in Indonesian', () => {
    useLanguage.getState().setLanguage('id')
    try {
      render(<ComposeView />)
      fireEvent.change(screen.getByLabelText('Prompt'), { target: { value: 'x'.repeat(501) } })
      expect(screen.getByText('Prompt: paling banyak 500 karakter (sekarang 501).')).toBeTruthy()
    } finally {
      useLanguage.getState().setLanguage('en')
    }
  })

  it('disables prompt adherence, with the reason, for a model that ignores it', () => {
    render(<ComposeView />)
    fireEvent.change(screen.getByLabelText('Model'), { target: { value: 'kling-v2-master' } })
    const box = screen.getByLabelText('Set prompt adherence') as HTMLInputElement
    expect(box.disabled).toBe(true)
    expect(screen.getByText('Not used by kling-v2-master')).toBeTruthy()
  })

  it('warns, without blocking, about camera control on a model documented not to support it', () => {
    render(<ComposeView />)
    fireEvent.change(screen.getByLabelText('Prompt'), { target: { value: 'a drone shot' } })
    fireEvent.change(screen.getByLabelText('Model'), { target: { value: 'kling-v1-6' } })
    fireEvent.click(screen.getByLabelText(/Down and back/))
    expect(
      screen.getByText('Camera movement is documented only for kling-v1, not kling-v1-6.'),
    ).toBeTruthy()
    expect((screen.getByRole('button', { name: 'Generate' }) as HTMLButtonElement).disabled).toBe(
      false,
    )
  })

  it('enforces one camera axis: the control only ever sets one', async () => {
    render(<ComposeView />)
    fireEvent.change(screen.getByLabelText('Prompt'), { target: { value: 'orbit' } })
    fireEvent.click(screen.getByLabelText('Custom: one movement'))
    fireEvent.change(screen.getByLabelText('Movement'), { target: { value: 'roll' } })
    fireEvent.change(screen.getByLabelText('Amount'), { target: { value: '-3' } })
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }))
    await waitFor(() => expect(create).toHaveBeenCalled())
    const { request } = create.mock.calls[0]![0] as { request: { camera_control: unknown } }
    expect(request.camera_control).toEqual({
      type: 'simple',
      config: { horizontal: 0, vertical: 0, pan: 0, tilt: 0, roll: -3, zoom: 0 },
    })
  })

  it('takes the person to a problem inside the folded options instead of doing nothing', async () => {
    render(<ComposeView />)
    fireEvent.change(screen.getByLabelText('Prompt'), { target: { value: 'a heron' } })
    fireEvent.change(screen.getByLabelText('Callback URL'), { target: { value: 'not a url' } })
    const options = screen.getByText('Options').closest('details')!
    options.open = false
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }))
    expect(create).not.toHaveBeenCalled()
    expect(options.open).toBe(true)
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('Callback URL')))
  })

  it('sends no prompt adherence for a model that ignores it, even if it was ticked', async () => {
    render(<ComposeView />)
    fireEvent.change(screen.getByLabelText('Prompt'), { target: { value: 'a heron' } })
    fireEvent.click(screen.getByLabelText('Set prompt adherence'))
    fireEvent.change(screen.getByLabelText('Model'), { target: { value: 'kling-v2-master' } })
    expect((screen.getByLabelText('Set prompt adherence') as HTMLInputElement).checked).toBe(false)
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }))
    await waitFor(() => expect(create).toHaveBeenCalled())
    const { request } = create.mock.calls[0]![0] as { request: Record<string, unknown> }
    expect(request.model_name).toBe('kling-v2-master')
    expect(request).not.toHaveProperty('cfg_scale')
  })

  it('applies a preset without losing the callback, and survives a preset of an odd shape', () => {
    localStorage.setItem(
      'kling.presets',
      JSON.stringify([
        { name: 'Odd camera', options: { camera_control: { type: 'simple' }, mode: 'pro' } },
        { name: 'Broken', options: null },
        'not a preset',
      ]),
    )
    try {
      render(<ComposeView />)
      fireEvent.change(screen.getByLabelText('Callback URL'), {
        target: { value: 'https://hooks.example/kling' },
      })
      expect(screen.queryByRole('button', { name: 'Apply: Broken' })).toBeNull()
      fireEvent.click(screen.getByRole('button', { name: 'Apply: Odd camera' }))
      expect(screen.getByRole('heading', { name: 'Create a video' })).toBeTruthy()
      expect((screen.getByLabelText('Callback URL') as HTMLInputElement).value).toBe(
        'https://hooks.example/kling',
      )
      expect((screen.getByLabelText(/Professional/) as HTMLInputElement).checked).toBe(true)
    } finally {
      localStorage.removeItem('kling.presets')
    }
  })
})
