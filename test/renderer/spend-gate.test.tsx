// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ComposeView } from '../../src/renderer/src/features/compose/ComposeView'
import { freshDraft } from '../../src/renderer/src/features/compose/draft-data'
import { ExtendDialog } from '../../src/renderer/src/features/extend/ExtendDialog'
import { FailurePanel } from '../../src/renderer/src/features/feed/FailurePanel'
import { useBudgetAsk } from '../../src/renderer/src/features/spend/gate'
import { OverBudgetDialog } from '../../src/renderer/src/features/spend/OverBudgetDialog'
import { useCapsFocus } from '../../src/renderer/src/features/spend/navigation'
import { useLanguage } from '../../src/renderer/src/i18n'
import { useApp } from '../../src/renderer/src/stores/app'
import { useDraft } from '../../src/renderer/src/stores/draft'
import { useJobs } from '../../src/renderer/src/stores/jobs'
import { useSpend } from '../../src/renderer/src/stores/spend'
import { DEFAULT_SETTINGS, type Budget } from '../../src/shared/settings'
import type { SpendSummary } from '../../src/shared/spend'
import { job } from '../fixtures/job'
import { NO_CAPS, summaryOf } from './spend-fixtures'

// The caps before anything is paid for, against a window.api that records what it is sent: the
// cost beside Generate and in the extend dialog (units, and money in the person's language), the
// question when a Generate or an extension would pass a cap (nothing sent until "anyway", which
// sends once, marked overBudget), and main refusing over_budget after all.

const ok = <T,>(data: T) => ({ ok: true as const, data })
const overBudget = {
  ok: false as const,
  error: { code: 'over_budget', message: 'This would take about 1.5 units; 9.5 of today’s cap…' },
}
let create: ReturnType<typeof vi.fn>
let extend: ReturnType<typeof vi.fn>
let summary: ReturnType<typeof vi.fn>

function withBudget(budget: Partial<Budget>, held: SpendSummary | null) {
  useApp.setState({
    settings: { ...DEFAULT_SETTINGS, defaults: {}, budget: { ...NO_CAPS, ...budget } },
  })
  useSpend.setState({ summary: held, error: null, loading: false })
}

beforeEach(() => {
  // The summaries below are made on TODAY: the window's clock says it is that day too (only Date
  // is faked; timers run as usual).
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date(2026, 10, 30, 15, 0))
  create = vi.fn(async () => ok([]))
  extend = vi.fn(async ({ id }: { id: string }) =>
    ok(job({ id: 'child', kind: 'video-extend', parentJobId: id })),
  )
  summary = vi.fn(async () => ok(summaryOf({})))
  ;(window as unknown as { api: unknown }).api = {
    tasks: { create, extend },
    inputs: { add: vi.fn() },
    spend: { summary },
  }
  localStorage.clear()
  useDraft.setState(freshDraft())
  useLanguage.setState({ language: 'en' })
  useApp.setState({ notice: null, view: 'compose' })
  useBudgetAsk.setState({ ask: null })
  useCapsFocus.setState({ focusCaps: false })
  withBudget({}, null)
})
afterEach(() => {
  vi.useRealTimers()
  cleanup()
  useLanguage.setState({ language: 'en' })
})

const generate = () => document.querySelector<HTMLButtonElement>('button[type="submit"]')!
const costText = () => document.getElementById('cost-text')!.textContent
const sent = (i = 0) => create.mock.calls[i]![0] as Record<string, unknown>

/** The composer with a prompt written (the recommended model, std, 5 s: 1.5 units a take). */
function composer(prompt = 'A lighthouse at dusk, waves breaking') {
  render(
    <>
      <ComposeView />
      <OverBudgetDialog />
    </>,
  )
  fireEvent.change(screen.getByLabelText('Prompt'), { target: { value: prompt } })
}

/** The over-budget question's figures, label to value. */
function figures(dialog: HTMLElement): Record<string, string> {
  return Object.fromEntries(
    [...dialog.querySelectorAll('.budget-figure')].map((row) => [
      row.querySelector('dt')!.textContent,
      row.querySelector('dd')!.textContent,
    ]),
  )
}

describe('the cost beside Generate', () => {
  it('says units, and money at the price set, in English and in Indonesian', () => {
    withBudget({ pricePerUnit: 0.14, currency: 'USD' }, null)
    composer()
    expect(costText()).toBe('≈ 1.5 units · $0.21')
    fireEvent.click(screen.getByRole('radio', { name: '3' }))
    expect(costText()).toBe('≈ 4.5 units · $0.63')
    act(() => useLanguage.setState({ language: 'id' }))
    expect(costText()).toBe('≈ 4,5 unit · US$0,63')
    act(() =>
      useApp.setState({
        settings: {
          ...DEFAULT_SETTINGS,
          budget: { ...NO_CAPS, pricePerUnit: 2240, currency: 'IDR' },
        },
      }),
    )
    // Intl puts a no-break space between the rupiah sign and the amount.
    expect(costText()).toBe('≈ 4,5 unit · Rp\u00a010.080')
  })

  it('says units only without a price, and "cost unknown" where the table has no answer', () => {
    composer()
    expect(costText()).toBe('≈ 1.5 units')
    act(() => useDraft.getState().update({ model: 'kling-preview-x' }))
    expect(costText()).toBe('Cost unknown')
  })
})

describe('a Generate that would pass a cap', () => {
  it('says so before it is pressed, asks when it is, and sends nothing until told', async () => {
    withBudget({ dailyUnits: 5 }, summaryOf({ day: { charged: 3, pending: 1 } }))
    composer()
    expect(screen.getByText("Over today's cap: you will be asked first.")).toBeTruthy()
    expect(generate().getAttribute('aria-describedby')).toContain('cap-note')
    fireEvent.click(generate())
    const dialog = await screen.findByRole('dialog', { name: 'This would pass your daily cap' })
    expect(create).not.toHaveBeenCalled()
    expect(figures(dialog)).toEqual({
      'Daily cap': '5 units',
      'Charged today': '3 units',
      'On their way': '1 unit',
      'This Generate adds': '≈ 1.5 units',
      'Today would come to': '5.5 units',
      'Over the cap by': '0.5 units',
    })
    // The safe way on has the keyboard.
    expect(document.activeElement?.textContent).toBe('Cancel')
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(create).not.toHaveBeenCalled()
    // Nothing is lost: the draft is as it was, and Generate is ready again.
    expect(useDraft.getState().form.prompt).toBe('A lighthouse at dusk, waves breaking')
    expect(generate().disabled).toBe(false)
    expect(useApp.getState().notice).toBeNull()
  })

  it('"Generate anyway" sends exactly once, marked overBudget, however often it is pressed', async () => {
    withBudget({ monthlyUnits: 20 }, summaryOf({ month: { charged: 19.5 } }))
    let answer: (v: unknown) => void = () => {}
    create.mockImplementationOnce(() => new Promise((r) => (answer = r)))
    composer()
    fireEvent.click(generate())
    const dialog = await screen.findByRole('dialog', { name: 'This would pass your monthly cap' })
    expect(figures(dialog)['This month would come to']).toBe('21 units')
    expect(figures(dialog)['Over the cap by']).toBe('1 unit')
    // Nothing on its way this month: no such line.
    expect(figures(dialog)).not.toHaveProperty('On their way')
    const anyway = within(dialog).getByRole('button', { name: 'Generate anyway' })
    fireEvent.click(anyway)
    fireEvent.click(anyway)
    // A Generate while this one is on its way sends nothing either.
    fireEvent.keyDown(screen.getByLabelText('Prompt'), { key: 'Enter', ctrlKey: true })
    fireEvent.click(generate())
    await waitFor(() => expect(create).toHaveBeenCalledTimes(1))
    expect(sent()).toMatchObject({ kind: 'text2video', takes: 1, overBudget: true })
    expect(screen.queryByRole('dialog')).toBeNull()
    await act(async () => answer(ok([])))
    await waitFor(() => expect(useApp.getState().notice?.text).toMatch(/^Sent\./))
    expect(create).toHaveBeenCalledTimes(1)
  })

  it('asks when the cost is unknown and a cap is set', async () => {
    withBudget({ dailyUnits: 50 }, summaryOf({}))
    composer()
    act(() => useDraft.getState().update({ model: 'kling-preview-x' }))
    fireEvent.click(generate())
    const dialog = await screen.findByRole('dialog', { name: 'This could pass your spending cap' })
    expect(figures(dialog)['This Generate adds']).toBe(
      'Unknown: the price table has no figure for it',
    )
    fireEvent.click(within(dialog).getByRole('button', { name: 'Generate anyway' }))
    await waitFor(() => expect(create).toHaveBeenCalledTimes(1))
    expect(sent().overBudget).toBe(true)
  })

  it("does not trust a summary made yesterday: it fetches today's before deciding", async () => {
    // Held from yesterday: 5 of 5 units spent. Today nothing is spent yet.
    withBudget({ dailyUnits: 5 }, { ...summaryOf({ day: { charged: 5 } }), today: '2026-11-29' })
    composer()
    fireEvent.click(generate())
    await waitFor(() => expect(create).toHaveBeenCalledTimes(1))
    expect(summary).toHaveBeenCalled()
    expect(sent()).not.toHaveProperty('overBudget')
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('fetches the summary first when none is held, and goes straight on within the caps', async () => {
    withBudget({ dailyUnits: 50 }, null)
    summary.mockResolvedValueOnce(ok(summaryOf({ day: { charged: 10 } })))
    composer()
    fireEvent.click(generate())
    await waitFor(() => expect(create).toHaveBeenCalledTimes(1))
    expect(summary).toHaveBeenCalledTimes(1)
    expect(sent()).not.toHaveProperty('overBudget')
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('never asks about a sandbox Generate: it is free', async () => {
    withBudget({ dailyUnits: 1 }, summaryOf({ day: { charged: 5 } }))
    useApp.setState({
      info: {
        version: '0',
        platform: 'linux',
        sandbox: true,
        sandboxReason: 'setting',
        libraryFolder: '/v',
        mediaBase: 'media://video/',
        posterBase: 'media://poster/',
      },
    })
    try {
      composer()
      expect(screen.queryByText(/you will be asked first/)).toBeNull()
      fireEvent.click(generate())
      expect(create).toHaveBeenCalledTimes(1)
      expect(sent()).not.toHaveProperty('overBudget')
      expect(screen.queryByRole('dialog')).toBeNull()
    } finally {
      useApp.setState({ info: null })
    }
  })

  it('"Change caps" sends nothing and opens Settings at the caps', async () => {
    withBudget({ dailyUnits: 1 }, summaryOf({}))
    composer()
    fireEvent.click(generate())
    const dialog = await screen.findByRole('dialog')
    fireEvent.click(within(dialog).getByRole('button', { name: 'Change caps' }))
    expect(useApp.getState().view).toBe('settings')
    expect(useCapsFocus.getState().focusCaps).toBe(true)
    await waitFor(() => expect(generate().disabled).toBe(false))
    expect(create).not.toHaveBeenCalled()
  })

  it('asks in Indonesian, with the money at the price set', async () => {
    useLanguage.setState({ language: 'id' })
    withBudget(
      { dailyUnits: 2, pricePerUnit: 0.14 },
      summaryOf({ day: { charged: 1.5, pending: 0, unknown: 2 } }),
    )
    composer()
    fireEvent.click(generate())
    const dialog = await screen.findByRole('dialog', {
      name: 'Ini akan melewati batas harian Anda',
    })
    expect(figures(dialog)).toEqual({
      'Batas harian': '2 unit · US$0,28',
      'Ditagih hari ini': '1,5 unit · US$0,21',
      'Sedang diproses': '0 unit · US$0,00 (dan 2 lagi dengan biaya belum diketahui)',
      'Permintaan ini menambah': '≈ 1,5 unit · US$0,21',
      'Total hari ini menjadi': '3 unit · US$0,42',
      'Melewati batas sebanyak': '1 unit · US$0,14',
    })
    expect(within(dialog).getByRole('button', { name: 'Tetap buat video' })).toBeTruthy()
    expect(within(dialog).getByText(/yang sudah Anda tulis tetap seperti semula/)).toBeTruthy()
  })
})

describe('main refusing over_budget', () => {
  it('fetches the summary again and asks the same way; "anyway" then sends, marked', async () => {
    withBudget({ dailyUnits: 10 }, summaryOf({ day: { charged: 2 } }))
    create.mockResolvedValueOnce(overBudget)
    // Another process spent meanwhile: main's history says so.
    summary.mockResolvedValueOnce(ok(summaryOf({ day: { charged: 9.5 } })))
    composer()
    fireEvent.click(generate())
    const dialog = await screen.findByRole('dialog', { name: 'This would pass your daily cap' })
    expect(create).toHaveBeenCalledTimes(1)
    expect(sent(0)).not.toHaveProperty('overBudget')
    expect(summary).toHaveBeenCalledTimes(1)
    expect(figures(dialog)['Charged today']).toBe('9.5 units')
    // The refusal is the question, not an error.
    expect(useApp.getState().notice).toBeNull()
    fireEvent.click(within(dialog).getByRole('button', { name: 'Generate anyway' }))
    await waitFor(() => expect(create).toHaveBeenCalledTimes(2))
    expect(sent(1).overBudget).toBe(true)
    expect(sent(1).request).toEqual(sent(0).request)
  })

  it('says a cap was reached meanwhile when the window still counts less than main', async () => {
    withBudget({ dailyUnits: 10 }, summaryOf({}))
    create.mockResolvedValueOnce(overBudget)
    composer()
    fireEvent.click(generate())
    const dialog = await screen.findByRole('dialog', {
      name: 'A spending cap was reached meanwhile',
    })
    expect(within(dialog).getByText(/another window or the command line/)).toBeTruthy()
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    await waitFor(() => expect(generate().disabled).toBe(false))
    expect(create).toHaveBeenCalledTimes(1)
    expect(useDraft.getState().form.prompt).toBe('A lighthouse at dusk, waves breaking')
  })
})

describe('extending within the caps', () => {
  const parent = job({
    id: 'd1',
    state: 'done',
    taskStatus: 'succeed',
    taskId: 't1',
    video: { id: 'v1', url: 'https://x/v.mp4', duration: '5' },
    request: { prompt: 'A kite', model_name: 'kling-v1-6', mode: 'std' },
  })
  const open = () =>
    render(
      <>
        <ExtendDialog job={parent} onClose={() => {}} />
        <OverBudgetDialog />
      </>,
    )

  it('says what the extension should cost, with money at the price set', () => {
    withBudget({ pricePerUnit: 0.14 }, null)
    open()
    expect(document.getElementById('extend-cost')!.textContent).toBe('Cost: ≈ 2 units · $0.28')
    cleanup()
    render(
      <ExtendDialog
        job={{ ...parent, request: { prompt: 'x', model_name: 'kling-v2-6' } }}
        onClose={() => {}}
      />,
    )
    expect(document.getElementById('extend-cost')!.textContent).toBe('Cost unknown')
  })

  it('prices an extension of an extension by the video its chain starts from', () => {
    const root = job({
      ...parent,
      id: 'r0',
      request: { prompt: 'A kite', model_name: 'kling-v1-6', mode: 'pro' },
    })
    const child = job({
      ...parent,
      id: 'c1',
      kind: 'video-extend',
      parentJobId: 'r0',
      request: { prompt: 'higher' } as never,
    })
    useJobs.setState({ byId: { r0: root, c1: child } })
    render(<ExtendDialog job={child} onClose={() => {}} />)
    expect(document.getElementById('extend-cost')!.textContent).toBe('Cost: ≈ 3.5 units')
  })

  it('asks before passing a cap, and "Extend anyway" sends once, marked', async () => {
    withBudget({ dailyUnits: 3 }, summaryOf({ day: { charged: 2 } }))
    open()
    const form = screen.getByRole('dialog', { name: 'Extend this video' })
    expect(within(form).getByText("Over today's cap: you will be asked first.")).toBeTruthy()
    const submit = within(form).getByRole('button', { name: 'Extend' })
    expect(submit.getAttribute('aria-describedby')).toBe('extend-cost extend-cap-note')
    fireEvent.click(submit)
    const ask = await screen.findByRole('dialog', { name: 'This would pass your daily cap' })
    expect(extend).not.toHaveBeenCalled()
    expect(figures(ask)['This extension adds']).toBe('≈ 2 units')
    const anyway = within(ask).getByRole('button', { name: 'Extend anyway' })
    fireEvent.click(anyway)
    fireEvent.click(anyway)
    await waitFor(() => expect(extend).toHaveBeenCalledTimes(1))
    expect(extend).toHaveBeenCalledWith({ id: 'd1', overBudget: true })
  })

  it('keeps the dialog and what was typed when the person cancels', async () => {
    withBudget({ dailyUnits: 1 }, summaryOf({}))
    open()
    const form = screen.getByRole('dialog', { name: 'Extend this video' })
    fireEvent.change(within(form).getByLabelText(/What happens next/), {
      target: { value: 'the kite climbs' },
    })
    fireEvent.click(within(form).getByRole('button', { name: 'Extend' }))
    const ask = await screen.findByRole('dialog', { name: 'This would pass your daily cap' })
    fireEvent.click(within(ask).getByRole('button', { name: 'Cancel' }))
    await waitFor(() => expect(useBudgetAsk.getState().ask).toBeNull())
    expect(extend).not.toHaveBeenCalled()
    expect((within(form).getByLabelText(/What happens next/) as HTMLTextAreaElement).value).toBe(
      'the kite climbs',
    )
    expect(
      (within(form).getByRole('button', { name: 'Extend' }) as HTMLButtonElement).disabled,
    ).toBe(false)
  })
})

describe('trying again within the caps', () => {
  const failed = job({
    id: 'f1',
    state: 'failed',
    taskStatus: 'failed',
    request: { prompt: 'A fox in snow', model_name: 'kling-v1', mode: 'std', duration: '5' },
  })
  let rerun: ReturnType<typeof vi.fn>
  beforeEach(() => {
    rerun = vi.fn(async () => ok(job({ id: 'r1', state: 'queued' })))
    ;(window as unknown as { api: { tasks: Record<string, unknown> } }).api.tasks.rerun = rerun
  })

  function panel() {
    render(
      <>
        <FailurePanel job={failed} />
        <OverBudgetDialog />
      </>,
    )
    return screen.getByRole('button', { name: 'Try again' })
  }

  it('asks before passing a cap; declining sends nothing and keeps Try again ready', async () => {
    withBudget({ dailyUnits: 3 }, summaryOf({ day: { charged: 3 } }))
    fireEvent.click(panel())
    const dialog = await screen.findByRole('dialog')
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(rerun).not.toHaveBeenCalled()
    await waitFor(() =>
      expect(
        (screen.getByRole('button', { name: 'Try again' }) as HTMLButtonElement).disabled,
      ).toBe(false),
    )
  })

  it('sends once, marked overBudget, when the person passes the cap; then says Sent', async () => {
    withBudget({ dailyUnits: 3 }, summaryOf({ day: { charged: 3 } }))
    const retry = panel()
    fireEvent.click(retry)
    fireEvent.click(retry)
    const dialog = await screen.findByRole('dialog')
    fireEvent.click(within(dialog).getByRole('button', { name: /anyway/ }))
    await waitFor(() => expect(rerun).toHaveBeenCalledTimes(1))
    expect(rerun.mock.calls[0]![0]).toEqual({ id: 'f1', changes: {}, overBudget: true })
    await waitFor(() => expect(screen.getByRole('button', { name: 'Sent' })).toBeTruthy())
  })

  it('goes straight on within the caps, unmarked', async () => {
    withBudget({ dailyUnits: 10 }, summaryOf({ day: { charged: 3 } }))
    fireEvent.click(panel())
    await waitFor(() => expect(rerun).toHaveBeenCalledTimes(1))
    expect(rerun.mock.calls[0]![0]).toEqual({ id: 'f1', changes: {} })
    expect(screen.queryByRole('dialog')).toBeNull()
  })
})
