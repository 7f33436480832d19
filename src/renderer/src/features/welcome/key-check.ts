import type { Api } from '../../../../shared/bridge'
import { ApiError, call } from '../../api'

// What testing the key found, in three outcomes a screen can act on: it works; the service
// refused it (a different key is needed); or nobody could tell (the service was not reached, or
// answered with trouble of its own), when the key may well be fine.

export type KeyCheck =
  | { kind: 'works'; requestId: string | null }
  | { kind: 'refused'; message: string; requestId: string | null }
  | { kind: 'unchecked'; code: string; message: string; requestId: string | null }

/** Asks main to test the key it holds (a query that creates nothing). Never throws. */
export async function checkKey(a: Api): Promise<KeyCheck> {
  try {
    const result = await call(a.key.test())
    return result.valid
      ? { kind: 'works', requestId: result.requestId }
      : { kind: 'refused', message: result.message, requestId: result.requestId }
  } catch (error) {
    if (error instanceof ApiError) {
      // A refusal that came back as an error rather than as a result is still a refusal.
      if (error.code === 'authentication')
        return { kind: 'refused', message: error.message, requestId: error.requestId ?? null }
      return {
        kind: 'unchecked',
        code: error.code,
        message: error.message,
        requestId: error.requestId ?? null,
      }
    }
    return {
      kind: 'unchecked',
      code: 'internal',
      message: error instanceof Error ? error.message : String(error),
      requestId: null,
    }
  }
}
