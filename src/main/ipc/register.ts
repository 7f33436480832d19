import {
  CALLS,
  channelFor,
  eventChannelFor,
  type CallName,
  type Envelope,
  type EventName,
  type EventPayloads,
  type Handlers,
} from '../../shared/contract'
import { CallError } from '../app/call-error'
import { KlingApiError } from '../kling/errors'
import { historyFailure } from '../tasks/step-trouble'

// Binds the contract to services. Every call: the sender must be the app's own top frame, the
// input must pass the contract's check, and the answer is always an envelope, never a throw, so
// the renderer gets a clear message instead of Electron's "Error invoking remote method".

/** The parts of an IPC event a handler may look at (Electron's IpcMainInvokeEvent fits). */
export interface IpcEventLike {
  senderFrame: { url: string; parent: unknown } | null
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, input: unknown) => Promise<unknown>): void
  removeHandler(channel: string): void
}

export function toErrorPayload(error: unknown): Envelope<never> {
  if (error instanceof CallError) {
    return {
      ok: false,
      error: {
        code: error.code,
        message: error.message,
        ...(error.requestId ? { requestId: error.requestId } : {}),
      },
    }
  }
  if (error instanceof KlingApiError) {
    return {
      ok: false,
      error: {
        code: error.kind,
        message: error.describe(),
        ...(error.requestId ? { requestId: error.requestId } : {}),
      },
    }
  }
  // The history failing under a call (locked by another program, its disk full, damaged while
  // the app runs): said as what it is, not as a fault of the app.
  const history = historyFailure(error)
  if (history) return { ok: false, error: history }
  return {
    ok: false,
    error: { code: 'internal', message: error instanceof Error ? error.message : String(error) },
  }
}

/**
 * Registers one handler per contract call. `isAppFrame` decides whether a frame URL is the app's
 * own page; only its top frame (no parent) may call.
 */
export function registerHandlers(
  ipc: IpcMainLike,
  handlers: Handlers,
  isAppFrame: (url: string) => boolean,
  log?: (line: string) => void,
): () => void {
  const names = Object.keys(CALLS) as CallName[]
  for (const name of names) {
    const spec = CALLS[name]
    const handler = handlers[name] as ((input: unknown) => unknown) | undefined
    ipc.handle(channelFor(name), async (event, input): Promise<Envelope<unknown>> => {
      const frame = event.senderFrame
      if (!frame || frame.parent !== null || !isAppFrame(frame.url)) {
        log?.(`refused ${name} from ${frame?.url ?? 'a closed frame'}`)
        return {
          ok: false,
          error: { code: 'forbidden', message: 'calls are only accepted from the app window' },
        }
      }
      const checked = spec.input(input)
      if (!checked.ok)
        return { ok: false, error: { code: 'invalid_input', message: checked.message } }
      // A call only the app process answers (restart, start afresh), asked where there is none.
      if (!handler)
        return {
          ok: false,
          error: { code: 'unavailable', message: `${name} is not available here` },
        }
      try {
        return { ok: true, data: await handler(checked.value) }
      } catch (error) {
        log?.(`${name} failed: ${error instanceof Error ? error.message : String(error)}`)
        return toErrorPayload(error)
      }
    })
  }
  return () => {
    for (const name of names) ipc.removeHandler(channelFor(name))
  }
}

/** Sends an event to the window; `send` is webContents.send in the app. */
export function eventSender(send: (channel: string, payload: unknown) => void) {
  return <E extends EventName>(event: E, payload: EventPayloads[E]) =>
    send(eventChannelFor(event), payload)
}
