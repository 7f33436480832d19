import { useCallback, useRef, useState } from 'react'
import { useApp } from '../../stores/app'
import { noticeFrom } from '../../ui/errors'

// One action at a time per button: a second click while the first is on its way does nothing,
// so a double click never makes two paid tasks. An action marked `once` (a paid one: Try again,
// Send again, Extend) stays done after it succeeded, and its button says so; one that resolves
// `false` sent nothing (the person declined to pass a spending cap) and stays available.

export interface Guard {
  /** Runs `fn` unless the same action is on its way (or, for `once`, already done). */
  run(key: string, fn: () => Promise<unknown>, options?: { once?: boolean }): void
  busy(key: string): boolean
  done(key: string): boolean
}

export function useGuard(): Guard {
  // The ref answers at once (two clicks in one tick); the state redraws the buttons.
  const held = useRef(new Set<string>())
  const [busyKeys, setBusy] = useState<ReadonlySet<string>>(() => new Set())
  const [doneKeys, setDone] = useState<ReadonlySet<string>>(() => new Set())
  const notify = useApp((s) => s.notify)

  const run = useCallback<Guard['run']>(
    (key, fn, options) => {
      if (held.current.has(key)) return
      held.current.add(key)
      setBusy((s) => new Set(s).add(key))
      void fn()
        .then((result) => {
          if (options?.once && result !== false) setDone((s) => new Set(s).add(key))
          else held.current.delete(key)
        })
        .catch((e: unknown) => {
          held.current.delete(key)
          notify(noticeFrom(e))
        })
        .finally(() =>
          setBusy((s) => {
            const next = new Set(s)
            next.delete(key)
            return next
          }),
        )
    },
    [notify],
  )
  return {
    run,
    busy: (key) => busyKeys.has(key),
    done: (key) => doneKeys.has(key),
  }
}
