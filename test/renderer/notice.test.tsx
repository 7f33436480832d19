// @vitest-environment happy-dom
// The notice bar: how long a notice stays, and every failure said in the person's language first.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { INFO_NOTICE_MS, NoticeBar } from '../../src/renderer/src/ui/Notice'
import { noticeFrom } from '../../src/renderer/src/ui/errors'
import { ApiError } from '../../src/renderer/src/api'
import { useApp } from '../../src/renderer/src/stores/app'
import { useLanguage } from '../../src/renderer/src/i18n'
import { useModal, useModals } from '../../src/renderer/src/ui/modal'
import { StrictMode, useRef, useState } from 'react'

beforeEach(() => {
  vi.useFakeTimers()
  useApp.setState({ notice: null })
})
afterEach(() => {
  cleanup()
  vi.useRealTimers()
})

const later = (ms: number) => act(() => void vi.advanceTimersByTime(ms))
const say = (notice: Parameters<ReturnType<typeof useApp.getState>['notify']>[0]) =>
  act(() => useApp.getState().notify(notice))

describe('notice bar', () => {
  it('lets an info notice go by itself, and gives a newer one its full time', () => {
    render(<NoticeBar />)
    say({ kind: 'info', text: 'Sent. Follow it in the queue.' })
    later(INFO_NOTICE_MS - 1_000)
    say({ kind: 'info', text: 'Copied.' })
    later(1_500)
    expect(screen.getByText('Copied.')).toBeTruthy()
    later(INFO_NOTICE_MS)
    expect(screen.queryByText('Copied.')).toBeNull()
    expect(useApp.getState().notice).toBeNull()
  })

  it('keeps an error, with its request id, until it is dismissed', () => {
    render(<NoticeBar />)
    say({ kind: 'error', text: 'The service refused this key', requestId: 'req-42' })
    later(INFO_NOTICE_MS * 10)
    expect(screen.getByText(/req-42/)).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }))
    expect(screen.queryByText(/refused/)).toBeNull()
  })

  it('waits while the pointer is over it', () => {
    render(<NoticeBar />)
    say({ kind: 'info', text: 'Sent. Follow it in the queue.' })
    fireEvent.mouseEnter(screen.getByText(/Sent/).closest('.notice')!)
    later(INFO_NOTICE_MS * 2)
    expect(screen.getByText(/Sent/)).toBeTruthy()
    fireEvent.mouseLeave(screen.getByText(/Sent/).closest('.notice')!)
    later(INFO_NOTICE_MS)
    expect(screen.queryByText(/Sent/)).toBeNull()
  })

  it("leads with the error in the person's language, keeping the words of main as the detail", () => {
    useLanguage.getState().setLanguage('id')
    try {
      render(<NoticeBar />)
      say({
        kind: 'error',
        code: 'not_saved',
        text: 'This video is not saved on this computer yet',
        requestId: 'rq-9',
      })
      expect(screen.getByText('Video ini belum tersimpan di komputer ini.')).toBeTruthy()
      expect(screen.getByText('This video is not saved on this computer yet')).toBeTruthy()
      expect(screen.getByText(/rq-9/)).toBeTruthy()
    } finally {
      useLanguage.getState().setLanguage('en')
    }
  })

  it("says a failure that did not come from main in the person's language too", () => {
    useLanguage.getState().setLanguage('id')
    try {
      render(<NoticeBar />)
      say(noticeFrom(new TypeError('Failed to fetch')))
      expect(screen.getByText('Terjadi kesalahan di dalam Kling Studio.')).toBeTruthy()
      expect(screen.getByText('Failed to fetch')).toBeTruthy()
    } finally {
      useLanguage.getState().setLanguage('en')
    }
  })

  it('says an error code it has no sentence for as a whole localized line, with the request id', () => {
    useLanguage.getState().setLanguage('id')
    try {
      render(<NoticeBar />)
      say(
        noticeFrom(
          new ApiError('forbidden', 'calls are only accepted from the app window', 'rq-5'),
        ),
      )
      expect(
        screen.getByText('Terjadi kesalahan: calls are only accepted from the app window'),
      ).toBeTruthy()
      expect(screen.getByText('(ID permintaan rq-5)')).toBeTruthy()
    } finally {
      useLanguage.getState().setLanguage('en')
    }
  })

  it('shows a text the page wrote itself as it is', () => {
    render(<NoticeBar />)
    say({ kind: 'info', text: 'Prompt copied' })
    expect(screen.getByText('Prompt copied').tagName).toBe('SPAN')
    expect(document.querySelector('.notice strong')).toBeNull()
  })

  it('goes inside the topmost modal dialog while one is open, and back out when it closes', () => {
    function Modal(props: { label: string; children?: React.ReactNode }) {
      const ref = useRef<HTMLDialogElement>(null)
      useModal(ref)
      return (
        <dialog ref={ref} aria-label={props.label}>
          {props.children}
        </dialog>
      )
    }
    function Page() {
      const [inner, setInner] = useState(false)
      return (
        <>
          <Modal label="player">
            {inner && <Modal label="extend" />}
            <button type="button" onClick={() => setInner(!inner)}>
              {inner ? 'Leave extend' : 'Extend'}
            </button>
          </Modal>
          <NoticeBar />
        </>
      )
    }
    render(<Page />)
    // Extend opens from inside the player, as in the window: on top of it.
    fireEvent.click(screen.getByRole('button', { name: 'Extend' }))
    const player = screen.getByRole('dialog', { name: 'player' }) as HTMLDialogElement
    const extend = screen.getByRole('dialog', { name: 'extend' }) as HTMLDialogElement
    // The test's DOM has showModal: both really opened as modal, the inner one last.
    expect([player.open, extend.open]).toEqual([true, true])
    expect(useModals.getState().open).toEqual([player, extend])
    later(0)
    say({ kind: 'error', text: 'The export failed', requestId: 'rq-7' })
    expect(extend.contains(screen.getByText('The export failed'))).toBe(true)
    // The inner one closes (Escape, or its own Cancel): the notice moves to the player, its region
    // there empty at first and filled a moment later, so a screen reader hears it.
    act(() => extend.close())
    expect(useModals.getState().open).toEqual([player])
    const region = player.querySelector('[role="status"]')!
    expect(region.textContent).toBe('')
    later(0)
    expect(region.contains(screen.getByText('The export failed'))).toBe(true)
    expect(extend.contains(screen.getByText('The export failed'))).toBe(false)
    fireEvent.click(screen.getByRole('button', { name: 'Leave extend' }))
    act(() => player.close())
    later(0)
    expect(useModals.getState().open).toEqual([])
    expect(player.contains(screen.getByText('The export failed'))).toBe(false)
    expect(screen.getByText(/rq-7/)).toBeTruthy()
  })

  it('leaves a dialog that was never opened as modal (no showModal) out of it', () => {
    const showModal = HTMLDialogElement.prototype.showModal
    // @ts-expect-error a DOM without modal dialogs
    delete HTMLDialogElement.prototype.showModal
    try {
      function Plain() {
        const ref = useRef<HTMLDialogElement>(null)
        useModal(ref)
        return <dialog ref={ref} open aria-label="plain" />
      }
      render(
        <>
          <Plain />
          <NoticeBar />
        </>,
      )
      say({ kind: 'info', text: 'Copied' })
      expect(useModals.getState().open).toEqual([])
      const plain = screen.getByRole('dialog', { name: 'plain' })
      expect(plain.contains(screen.getByText('Copied'))).toBe(false)
    } finally {
      HTMLDialogElement.prototype.showModal = showModal
    }
  })

  it('keeps a dialog opened under StrictMode (its effect run twice) as the topmost modal', () => {
    function Modal() {
      const ref = useRef<HTMLDialogElement>(null)
      useModal(ref)
      return <dialog ref={ref} aria-label="player" />
    }
    render(
      <StrictMode>
        <Modal />
        <NoticeBar />
      </StrictMode>,
    )
    const player = screen.getByRole('dialog', { name: 'player' }) as HTMLDialogElement
    expect(useModals.getState().open).toEqual([player])
    later(0)
    say({ kind: 'info', text: 'Prompt copied' })
    expect(player.contains(screen.getByText('Prompt copied'))).toBe(true)
  })
})
