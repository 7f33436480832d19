import {
  CALLS,
  channelFor,
  EVENTS,
  eventChannelFor,
  type CallInput,
  type CallName,
  type CallOutput,
  type Envelope,
  type EventName,
  type EventPayloads,
} from './contract'

// window.api, built from the contract: named functions and one `on`, nothing else. Preload builds
// it over ipcRenderer; the browser tests build the very same object over a WebSocket.

export interface Transport {
  invoke(channel: string, input: unknown): Promise<unknown>
  /** Listens on an event channel; returns the unsubscribe. Never hands out the IPC event. */
  subscribe(channel: string, listener: (payload: unknown) => void): () => void
}

type Method<N extends CallName> = [CallInput<N>] extends [void]
  ? () => Promise<Envelope<CallOutput<N>>>
  : (input: CallInput<N>) => Promise<Envelope<CallOutput<N>>>

type Group<N> = N extends `${infer G}.${string}` ? G : never

export type Api = {
  readonly [G in Group<CallName>]: {
    readonly [N in CallName as N extends `${G}.${infer M}` ? M : never]: Method<N>
  }
} & {
  readonly on: <E extends EventName>(
    event: E,
    listener: (payload: EventPayloads[E]) => void,
  ) => () => void
}

export function createBridge(transport: Transport): Api {
  const groups: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {}
  for (const name of Object.keys(CALLS) as CallName[]) {
    const [group, method] = name.split('.') as [string, string]
    groups[group] ??= {}
    const channel = channelFor(name)
    groups[group][method] = (input?: unknown) => transport.invoke(channel, input)
  }
  const on = (event: EventName, listener: (payload: unknown) => void) => {
    if (!EVENTS.includes(event)) throw new Error(`unknown event ${String(event)}`)
    if (typeof listener !== 'function') throw new Error('listener must be a function')
    return transport.subscribe(eventChannelFor(event), (payload) => listener(payload))
  }
  for (const g of Object.values(groups)) Object.freeze(g)
  return Object.freeze({ ...groups, on }) as unknown as Api
}
