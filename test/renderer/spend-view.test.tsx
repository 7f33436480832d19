// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SpendView } from '../../src/renderer/src/features/spend/SpendView'
import { useCapsFocus } from '../../src/renderer/src/features/spend/navigation'
import { useLanguage } from '../../src/renderer/src/i18n'
import { useApp } from '../../src/renderer/src/stores/app'
import { SPEND_REFRESH_MS, useSpend, watchSpend } from '../../src/renderer/src/stores/spend'
import { DEFAULT_SETTINGS, type Budget } from '../../src/shared/settings'
import type { SpendSummary } from '../../src/shared/spend'
import { NO_CAPS, summaryOf } from './spend-fixtures'

// The Spending view against a window.api whose spend.summary answers what each test says: today,
// this week and this month against the caps (with what is on its way), the chart by days, weeks
// and months with its figures, this month by model, the empty and the failed state, Indonesian;
// and the store that keeps the summary current as jobs change.

const ok = <T,>(data: T) => ({ ok: true as const, data })
let summary: ReturnType<typeof vi.fn>
const CAPS: Budget = { dailyUnits: 10, monthlyUnits: 100, pricePerUnit: 0.14, currency: 'USD' }

const BUSY = summaryOf({
  day: { charged: 3, pending: 1.5, unknown: 1 },
  month: { charged: 40 },
  days: [2, 0, 0, 6, 4.5, 3],
  weeks: [7, 12],
  months: [30, 40],
  byModel: [
    { model: 'kling-v1-6', units: 28, tasks: 14 },
    { model: 'kling-v2-6', units: 10.5, tasks: 7 },
    { model: 'kling-next-preview', units: 1.5, tasks: 1 },
  ],
  budget: CAPS,
})

function show(answer: SpendSummary, budget: Budget = CAPS) {
  summary.mockResolvedValue(ok(answer))
  useApp.setState({ settings: { ...DEFAULT_SETTINGS, budget } })
  render(<SpendView />)
}

const card = (name: string) => screen.getByRole('region', { name })
const bars = () => document.querySelectorAll('.chart-bar')

beforeEach(() => {
  // The summaries are made on 2026-11-30: the window's clock says so too (only Date is faked).
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date(2026, 10, 30, 15, 0))
  summary = vi.fn(async () => ok(summaryOf({})))
  ;(window as unknown as { api: unknown }).api = { spend: { summary } }
  useSpend.setState({ summary: null, error: null, loading: false })
  useApp.setState({ info: null, view: 'spend' as never })
  useLanguage.setState({ language: 'en' })
})
afterEach(() => {
  vi.useRealTimers()
  cleanup()
  vi.useRealTimers()
  useLanguage.setState({ language: 'en' })
})

describe('SpendView', () => {
  it('shows today, this week and this month against the caps, with money and what is on its way', async () => {
    show(BUSY)
    await screen.findByRole('heading', { name: 'Today' })
    const today = card('Today')
    expect(within(today).getByText('3 units').className).toBe('spend-big')
    expect(within(today).getByText('$0.42')).toBeTruthy()
    expect(within(today).getByText('+ 1.5 units on their way')).toBeTruthy()
    expect(within(today).getByText('+ 1 on their way at an unknown cost')).toBeTruthy()
    expect(today.querySelector('.cap-text')!.textContent).toBe(
      '4.5 units of 10 units ($1.40) · 5.5 units left',
    )
    const week = card('This week')
    expect(within(week).getByText('12 units')).toBeTruthy()
    expect(within(week).getByText(/Weeks start on Monday/)).toBeTruthy()
    expect(card('This month').querySelector('.cap-text')!.textContent).toBe(
      '40 units of 100 units ($14.00) · 60 units left',
    )
    expect(summary).toHaveBeenCalledTimes(1)
  })

  it('says a cap passed, and a period without one', async () => {
    show(summaryOf({ day: { charged: 9, pending: 2 }, days: [9] }), {
      ...NO_CAPS,
      dailyUnits: 10,
    })
    const text = await waitFor(() => card('Today').querySelector('.cap-text')!)
    expect(text.textContent).toBe('11 units of 10 units · 1 unit over the cap')
    expect(text.className).toContain('over')
    expect(card('Today').querySelector('.cap-bar.over')).toBeTruthy()
    expect(within(card('This month')).getByText('No monthly cap.')).toBeTruthy()
  })

  it('draws the last 30 days with the daily cap, and weeks or months on request', async () => {
    show(BUSY)
    const chart = await screen.findByRole('img', {
      name: 'Units charged each day, the last 30 days: 15.5 units in all. The dashed line is your cap of 10 units.',
    })
    expect(chart.tagName.toLowerCase()).toBe('svg')
    expect(bars()).toHaveLength(30)
    expect(bars()[29]!.getAttribute('class')).toBe('chart-bar current')
    expect(bars()[29]!.querySelector('title')!.textContent).toBe('Mon, November 30, 2026: 3 units')
    expect(document.querySelectorAll('.chart-cap')).toHaveLength(1)

    fireEvent.click(screen.getByRole('radio', { name: 'Weeks' }))
    expect(bars()).toHaveLength(12)
    expect(screen.getByRole('img').getAttribute('aria-labelledby')).toBe('spend-chart-desc')
    expect(document.getElementById('spend-chart-desc')!.textContent).toBe(
      'Units charged each week (from Monday), the last 12 weeks: 19 units in all.',
    )
    expect(document.querySelectorAll('.chart-cap')).toHaveLength(0)

    fireEvent.click(screen.getByRole('radio', { name: 'Months' }))
    expect(bars()).toHaveLength(12)
    expect(document.querySelectorAll('.chart-cap')).toHaveLength(1)
    const table = screen.getByRole('table', { hidden: true })
    const first = within(table).getAllByRole('row', { hidden: true })[1]!
    expect(first.textContent).toBe('November 2026' + '40' + '$5.60' + '27')
  })

  it('lists this month by model, most first, with units, money and videos', async () => {
    show(BUSY)
    const list = within(await screen.findByRole('region', { name: 'This month by model' }))
    const rows = list.getAllByRole('listitem').map((li) => li.textContent)
    expect(rows).toEqual([
      'Kling 1.628 units · $3.9214 videos',
      'Kling 2.610.5 units · $1.477 videos',
      'kling-next-preview1.5 units · $0.211 video',
    ])
  })

  it('says what will show here on a new history, without a chart', async () => {
    show(summaryOf({}), NO_CAPS)
    expect(await screen.findByText('Nothing spent yet')).toBeTruthy()
    expect(screen.getByText(/Sandbox videos are free and never count/)).toBeTruthy()
    expect(screen.queryByRole('img')).toBeNull()
    expect(within(card('Today')).getByText('0 units')).toBeTruthy()
    expect(within(card('Today')).getByText('No daily cap.')).toBeTruthy()
  })

  it('says why the history could not be read, with the request id, and tries again', async () => {
    summary.mockResolvedValueOnce({
      ok: false,
      error: { code: 'internal', message: 'database is locked', requestId: 'rq-spend-1' },
    })
    summary.mockResolvedValueOnce(ok(BUSY))
    useApp.setState({ settings: { ...DEFAULT_SETTINGS, budget: CAPS } })
    render(<SpendView />)
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toMatch(/^Spending could not be read\. database is locked/)
    expect(alert.textContent).toMatch(/rq-spend-1/)
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }))
    await screen.findByRole('heading', { name: 'Today' })
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('speaks Indonesian, numbers and money included', async () => {
    useLanguage.setState({ language: 'id' })
    show(BUSY)
    await screen.findByRole('heading', { name: 'Pengeluaran', level: 1 })
    const today = card('Hari ini')
    expect(within(today).getByText('+ 1,5 unit sedang diproses')).toBeTruthy()
    expect(today.querySelector('.cap-text')!.textContent).toBe(
      '4,5 unit dari 10 unit (US$1,40) · sisa 5,5 unit',
    )
    expect(screen.getByRole('radio', { name: 'Minggu' })).toBeTruthy()
    expect(screen.getByText('Bulan ini per model')).toBeTruthy()
  })

  it('"Change caps" opens Settings at the caps', async () => {
    show(BUSY)
    fireEvent.click(await screen.findByRole('button', { name: 'Change caps' }))
    expect(useApp.getState().view).toBe('settings')
    expect(useCapsFocus.getState().focusCaps).toBe(true)
  })
})

describe('the spend store', () => {
  it('fetches at start, and once again after a burst of job changes settles', async () => {
    vi.useFakeTimers()
    const listeners = new Map<string, (payload: unknown) => void>()
    const off = vi.fn()
    ;(window as unknown as { api: unknown }).api = {
      spend: { summary },
      on: (event: string, listener: (payload: unknown) => void) => {
        listeners.set(event, listener)
        return off
      },
    }
    const stop = watchSpend()
    await vi.waitFor(() => expect(summary).toHaveBeenCalledTimes(1))
    for (let i = 0; i < 5; i++) listeners.get('tasks.updated')!({ id: `j${i}` })
    listeners.get('tasks.removed')!({ id: 'j0' })
    expect(summary).toHaveBeenCalledTimes(1)
    await act(async () => vi.advanceTimersByTime(SPEND_REFRESH_MS))
    expect(summary).toHaveBeenCalledTimes(2)
    listeners.get('settings.changed')!(DEFAULT_SETTINGS)
    stop()
    await act(async () => vi.advanceTimersByTime(SPEND_REFRESH_MS))
    expect(summary).toHaveBeenCalledTimes(2)
    expect(off).toHaveBeenCalledTimes(3)
  })

  it('keeps the newest answer when an older one arrives after it', async () => {
    const answers: ((v: unknown) => void)[] = []
    summary.mockImplementation(() => new Promise((r) => answers.push(r)))
    const first = useSpend.getState().refresh()
    const second = useSpend.getState().refresh()
    await vi.waitFor(() => expect(answers).toHaveLength(2))
    answers[1]!(ok(summaryOf({ day: { charged: 7 } })))
    await second
    answers[0]!(ok(summaryOf({ day: { charged: 1 } })))
    await first
    expect(useSpend.getState().summary?.committed.day.charged).toBe(7)
  })
})
