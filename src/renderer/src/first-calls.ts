import type { Api } from '../../shared/bridge'
import type { AppInfo, Envelope, KeyStatus } from '../../shared/contract'
import type { Settings } from '../../shared/settings'

// The three calls the first view waits for (boot.ts: where main is, the person's language and
// theme, whether a key is set). The page's first script (start.ts) sends them before it asks for
// the shell, so main answers while the shell's code is still arriving and being run (a few
// hundred KB, most of the time before the first view) instead of after. The shell takes them
// once; anything else that boots (a test, a reload of the shell) sends its own.

export interface FirstCalls {
  info: Promise<Envelope<AppInfo>>
  settings: Promise<Envelope<Settings>>
  key: Promise<Envelope<KeyStatus>>
}

let early: FirstCalls | null = null

const send = (a: Api): FirstCalls => ({
  info: a.app.info(),
  settings: a.settings.get(),
  key: a.key.status(),
})

/**
 * Sends them now, for the shell to take. A page without the bridge sends nothing (boot then fails
 * as it would have); a call that fails is the shell's to report, not an unhandled rejection here.
 */
export function sendFirstCalls(a: Api | undefined = globalThis.window?.api): void {
  try {
    if (!a) return
    const calls = send(a)
    for (const p of Object.values(calls) as Promise<unknown>[]) p.catch(() => {})
    early = calls
  } catch {
    early = null
  }
}

/** The calls sent early, once; or, when none were, sent now. */
export function takeFirstCalls(a: Api): FirstCalls {
  const calls = early ?? send(a)
  early = null
  return calls
}
