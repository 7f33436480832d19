import { useEffect, useRef, useState } from 'react'
import { api, call } from '../../api'
import { useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { noticeFrom } from '../../ui/errors'
import { useFirstRun } from './first-run'
import { checkKey } from './key-check'

// The welcome screen's key path: the key being typed, saving it, testing it with the service, and
// where the keyboard goes after (the field for another key, or the way on).

export type Stage =
  | { kind: 'idle' }
  | { kind: 'checking' }
  /** The service refused the key: it was forgotten, and another is needed. */
  | { kind: 'refused'; message: string; requestId: string | null }
  /** Nobody could tell: the key is kept, and the person may go on. */
  | { kind: 'unchecked'; code: string; message: string; requestId: string | null }
  /** Saving it failed before any test (a malformed key, a keychain that refused). */
  | { kind: 'failed'; code: string; message: string; requestId: string | null }

export interface KeySetup {
  key: string
  setKey(key: string): void
  stage: Stage
  /** Leaves the welcome screen for good, into the composer. */
  enter(): void
  /** Tests the key main holds. */
  test(): Promise<void>
  /** Saves the typed key, then tests it. */
  save(event: React.FormEvent): Promise<void>
  field: React.RefObject<HTMLInputElement | null>
  onward: React.RefObject<HTMLButtonElement | null>
}

export function useKeySetup(): KeySetup {
  const t = useT()
  const [key, setKey] = useState('')
  const [stage, setStage] = useState<Stage>({ kind: 'idle' })
  const go = useApp((s) => s.go)
  const notify = useApp((s) => s.notify)
  const { hold, finish } = useFirstRun()
  const field = useRef<HTMLInputElement>(null)
  const onward = useRef<HTMLButtonElement>(null)

  useEffect(() => {
    // Where the person acts next: the field for another key, or the way on.
    if (stage.kind === 'refused' || stage.kind === 'failed') field.current?.focus()
    if (stage.kind === 'unchecked') onward.current?.focus()
  }, [stage])

  const enter = () => {
    finish()
    go('compose')
  }

  const test = async () => {
    setStage({ kind: 'checking' })
    const result = await checkKey(api())
    if (result.kind === 'works') {
      enter()
      notify({ kind: 'info', text: t('onboard.works') })
    } else if (result.kind === 'refused') {
      // A key the service refused is no key: forget it, so the app stays as it was.
      await call(api().key.clear())
        .then((status) => useApp.getState().set({ key: status }))
        .catch(() => {})
      setStage(result)
    } else {
      setStage(result)
    }
  }

  const save = async (event: React.FormEvent) => {
    event.preventDefault()
    // Main counts the key as set at once; the screen stays until the test has spoken.
    hold(true)
    setStage({ kind: 'checking' })
    try {
      const status = await call(api().key.set({ key }))
      useApp.getState().set({ key: status })
    } catch (e) {
      const n = noticeFrom(e)
      setStage({
        kind: 'failed',
        code: n.code ?? 'internal',
        message: n.text,
        requestId: n.requestId ?? null,
      })
      return
    }
    // The page holds the key no longer than it takes to hand it over.
    setKey('')
    await test()
  }

  return { key, setKey, stage, enter, test, save, field, onward }
}
