// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { PlayerInfo } from '../../src/renderer/src/features/library/PlayerInfo'
import { JobCard } from '../../src/renderer/src/features/queue/JobCard'
import { SettingsView } from '../../src/renderer/src/features/settings/SettingsView'
import { useCapsFocus } from '../../src/renderer/src/features/spend/navigation'
import { useLanguage } from '../../src/renderer/src/i18n'
import { useApp } from '../../src/renderer/src/stores/app'
import { useJobs } from '../../src/renderer/src/stores/jobs'
import type { AppInfo } from '../../src/shared/contract'
import type { Job } from '../../src/shared/jobs'
import { DEFAULT_SETTINGS, type Budget, type Settings } from '../../src/shared/settings'
import { job } from '../fixtures/job'
import { NO_CAPS, summaryOf } from './spend-fixtures'

// Settings' Spending section (caps and a price, checked as typed, saved whole), and a change of
// API address: the jobs already sent stay with the old one, which the window says, and a Queue
// card says where its job was sent when that is no longer the address in Settings.

const OLD = 'https://api.cometapi.com'
const NEW = 'https://gateway.example.com'
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
let summary: ReturnType<typeof vi.fn>

function settle(budget: Budget = NO_CAPS, more: Partial<Settings> = {}) {
  useApp.setState({ settings: { ...DEFAULT_SETTINGS, budget, ...more } })
}

beforeEach(() => {
  // The summaries are made on 2026-11-30: the window's clock says so too (only Date is faked).
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date(2026, 10, 30, 15, 0))
  update = vi.fn(async (patch: Partial<Settings>) => ({
    ok: true,
    data: { ...useApp.getState().settings!, ...patch },
  }))
  summary = vi.fn(async () => ({ ok: true, data: summaryOf({}) }))
  ;(window as unknown as { api: unknown }).api = {
    settings: { update },
    spend: { summary },
    app: { info: vi.fn(async () => ({ ok: true, data: info })) },
    tasks: { get: vi.fn(async () => ({ ok: true, data: { estimateSeconds: null } })) },
  }
  useLanguage.setState({ language: 'en' })
  // No key: a new address is saved without a key test.
  useApp.setState({
    key: { set: false, last4: null, storage: 'keychain', warning: null },
    info,
    notice: null,
    view: 'settings',
  })
  useJobs.setState({ byId: {} })
  useCapsFocus.setState({ focusCaps: false })
  settle()
})
afterEach(() => {
  vi.useRealTimers()
  cleanup()
  useLanguage.setState({ language: 'en' })
})

const section = () => screen.getByRole('region', { name: 'Spending' })
const field = (name: string) => within(section()).getByLabelText(name) as HTMLInputElement
const saveButton = () =>
  within(section()).getByRole('button', { name: 'Save caps and price' }) as HTMLButtonElement

describe('Settings: Spending', () => {
  it('shows the caps and price set, and saves the whole budget at once', async () => {
    settle({ dailyUnits: 20, monthlyUnits: null, pricePerUnit: 0.14, currency: 'USD' })
    render(<SettingsView />)
    expect(field('Daily cap').value).toBe('20')
    expect(field('Monthly cap').value).toBe('')
    expect(field('Price per unit').value).toBe('0.14')
    expect(screen.getByText('Empty: no cap. About $2.80 at your price.')).toBeTruthy()
    expect(saveButton().disabled).toBe(true)

    fireEvent.change(field('Monthly cap'), { target: { value: '300' } })
    fireEvent.change(field('Daily cap'), { target: { value: '' } })
    fireEvent.change(within(section()).getByLabelText('Currency'), { target: { value: 'EUR' } })
    expect(screen.getByText('Empty: no cap. About €42.00 at your price.')).toBeTruthy()
    fireEvent.click(saveButton())
    await waitFor(() =>
      expect(update).toHaveBeenCalledWith({
        budget: { dailyUnits: null, monthlyUnits: 300, pricePerUnit: 0.14, currency: 'EUR' },
      }),
    )
    await waitFor(() => expect(summary).toHaveBeenCalledTimes(1))
    expect(useApp.getState().settings?.budget.monthlyUnits).toBe(300)
    expect(useApp.getState().notice?.text).toBe('Saved')
    // What was typed stays, and there is nothing left to save.
    expect(field('Monthly cap').value).toBe('300')
    expect(saveButton().disabled).toBe(true)
  })

  it('says what is wrong with each field as it is typed, and saves nothing wrong', () => {
    render(<SettingsView />)
    for (const bad of ['abc', '-5', '0', '1e3', '2000000']) {
      fireEvent.change(field('Daily cap'), { target: { value: bad } })
      expect(field('Daily cap').getAttribute('aria-invalid')).toBe('true')
      expect(
        screen.getByText(
          'Enter a number of units above 0, up to 1,000,000, or leave it empty for no cap.',
        ).id,
      ).toBe('budget-daily-error')
      expect(field('Daily cap').getAttribute('aria-describedby')).toContain('budget-daily-error')
      expect(saveButton().disabled).toBe(true)
    }
    fireEvent.change(field('Daily cap'), { target: { value: '12.5' } })
    expect(field('Daily cap').getAttribute('aria-invalid')).toBeNull()
    fireEvent.change(field('Price per unit'), { target: { value: 'free' } })
    expect(screen.getByText(/Enter a price above 0, up to 1,000,000, such as 0\.14/)).toBeTruthy()
    fireEvent.submit(saveButton().closest('form')!)
    expect(update).not.toHaveBeenCalled()
  })

  it('says when the daily cap is above the monthly one, and saves it all the same', async () => {
    render(<SettingsView />)
    fireEvent.change(field('Daily cap'), { target: { value: '50' } })
    fireEvent.change(field('Monthly cap'), { target: { value: '40' } })
    expect(screen.getByText(/the monthly cap always stops first/)).toBeTruthy()
    fireEvent.click(saveButton())
    await waitFor(() => expect(update).toHaveBeenCalledTimes(1))
  })

  it('takes a comma as the decimal mark and speaks Indonesian', async () => {
    useLanguage.setState({ language: 'id' })
    settle({ ...NO_CAPS, pricePerUnit: 0.5 })
    render(<SettingsView />)
    const own = screen.getByRole('region', { name: 'Pengeluaran' })
    const price = within(own).getByLabelText('Harga per unit') as HTMLInputElement
    expect(price.value).toBe('0,5')
    fireEvent.change(price, { target: { value: '0,14' } })
    fireEvent.change(within(own).getByLabelText('Batas harian'), { target: { value: 'x' } })
    expect(
      within(own).getByText(/^Masukkan jumlah unit di atas 0, paling banyak 1\.000\.000/),
    ).toBeTruthy()
    fireEvent.change(within(own).getByLabelText('Batas harian'), { target: { value: '7,5' } })
    expect(
      within(own).getByText('Kosong: tanpa batas. Sekitar US$1,05 dengan harga Anda.'),
    ).toBeTruthy()
    fireEvent.click(within(own).getByRole('button', { name: 'Simpan batas dan harga' }))
    await waitFor(() =>
      expect(update).toHaveBeenCalledWith({
        budget: { dailyUnits: 7.5, monthlyUnits: null, pricePerUnit: 0.14, currency: 'USD' },
      }),
    )
  })

  it('leads to the Spending view, and takes the keyboard when opened to change the caps', async () => {
    useCapsFocus.setState({ focusCaps: true })
    render(<SettingsView />)
    await waitFor(() => expect(document.activeElement).toBe(field('Daily cap')))
    expect(useCapsFocus.getState().focusCaps).toBe(false)
    fireEvent.click(within(section()).getByRole('button', { name: 'See spending' }))
    expect(useApp.getState().view).toBe('spend')
  })

  it('follows a budget saved elsewhere', () => {
    render(<SettingsView />)
    settle({ ...NO_CAPS, monthlyUnits: 90 })
    return waitFor(() => expect(field('Monthly cap').value).toBe('90'))
  })
})

describe('a change of API address', () => {
  const sentTo = (id: string, state: Job['state'], baseUrl: string | null, revision = 1) =>
    job({ id, state, baseUrl, revision, request: { prompt: `job ${id}` } })

  it('says how many jobs already sent stay with the old address, counting down as they finish', async () => {
    const jobs = [
      sentTo('a', 'submitted', OLD),
      sentTo('b', 'processing', `${OLD}/`),
      sentTo('c', 'needs_attention', OLD),
      sentTo('d', 'done', OLD),
      sentTo('e', 'queued', null),
      sentTo('f', 'processing', 'https://elsewhere.example.com'),
    ]
    useJobs.setState({ byId: Object.fromEntries(jobs.map((j) => [j.id, j])) })
    render(<SettingsView />)
    expect(screen.queryByText(/already sent/)).toBeNull()
    const address = screen.getByLabelText('API address')
    fireEvent.change(address, { target: { value: NEW } })
    fireEvent.click(address.parentElement!.querySelector('button')!)
    const said = await screen.findByText(
      `3 jobs already sent stay with ${OLD}; they are followed there.`,
    )
    expect(said.getAttribute('role')).toBe('status')
    expect(update).toHaveBeenCalledWith({ baseUrl: NEW })
    useJobs.getState().apply({ ...jobs[0]!, state: 'done', revision: 2 })
    useJobs.getState().apply({ ...jobs[1]!, state: 'downloading', revision: 2 })
    await screen.findByText(`2 jobs already sent stay with ${OLD}; they are followed there.`)
    useJobs.getState().apply({ ...jobs[1]!, state: 'done', revision: 3 })
    await screen.findByText(`1 job already sent stays with ${OLD}; it is followed there.`)
  })

  it('says nothing when no job was sent to the old address', async () => {
    useJobs.setState({ byId: { e: sentTo('e', 'queued', null) } })
    render(<SettingsView />)
    const address = screen.getByLabelText('API address')
    fireEvent.change(address, { target: { value: NEW } })
    fireEvent.click(address.parentElement!.querySelector('button')!)
    await waitFor(() => expect(useApp.getState().settings?.baseUrl).toBe(NEW))
    expect(screen.queryByText(/already sent/)).toBeNull()
  })

  it('a Queue card says where its job went when that is not the address in Settings', () => {
    settle(NO_CAPS, { baseUrl: NEW })
    const { rerender } = render(
      <ul>
        <JobCard job={sentTo('a', 'processing', OLD)} now={Date.now()} />
      </ul>,
    )
    expect(screen.getByText(OLD).parentElement!.textContent).toBe(`Sent to ${OLD}`)
    rerender(
      <ul>
        <JobCard job={sentTo('a', 'processing', `${NEW}/`)} now={Date.now()} />
      </ul>,
    )
    expect(screen.queryByText(/Sent to/)).toBeNull()
    useLanguage.setState({ language: 'id' })
    rerender(
      <ul>
        <JobCard job={sentTo('a', 'failed', OLD)} now={Date.now()} />
      </ul>,
    )
    expect(screen.getByText(OLD).parentElement!.textContent).toBe(`Dikirim ke ${OLD}`)
  })

  it('the player says where its job went, and a sandbox job never says it', () => {
    settle(NO_CAPS, { baseUrl: NEW })
    const { rerender } = render(<PlayerInfo job={sentTo('a', 'done', OLD)} />)
    expect(screen.getByText('Sent to').nextElementSibling!.textContent).toBe(OLD)
    rerender(
      <PlayerInfo job={{ ...sentTo('a', 'done', 'http://127.0.0.1:4010'), sandbox: true }} />,
    )
    expect(screen.queryByText('Sent to')).toBeNull()
  })
})
