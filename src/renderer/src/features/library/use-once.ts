import { useRef, useState } from 'react'
import { useApp } from '../../stores/app'
import { noticeFrom } from '../../ui/errors'

// One run of an action at a time: a second click (a double click, an impatient one) while the
// first call is on its way does nothing, and the button says so by being disabled meanwhile.
// Anything that may start a paid task goes through this.

export interface OnceAction {
  key: string
  run(): Promise<unknown> | void
}

export function useOnce(): { run(a: OnceAction): void; busy(key: string): boolean } {
  // The ref guards within one event loop turn; the state disables the button for the person.
  const running = useRef(new Set<string>())
  const [busy, setBusy] = useState<Record<string, true>>({})
  return {
    run(a) {
      if (running.current.has(a.key)) return
      running.current.add(a.key)
      setBusy((b) => ({ ...b, [a.key]: true }))
      void Promise.resolve()
        .then(() => a.run())
        .catch((e: unknown) => useApp.getState().notify(noticeFrom(e)))
        .finally(() => {
          running.current.delete(a.key)
          setBusy(({ [a.key]: _done, ...rest }) => rest)
        })
    },
    busy: (key) => busy[key] === true,
  }
}
