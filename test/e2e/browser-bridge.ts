/// <reference lib="dom" />
import { createBridge, type Api, type Transport } from '../../src/shared/bridge'

// window.api for the browser tests: the very createBridge the preload uses, over HTTP and
// Server-Sent Events to the Node harness instead of Electron IPC.

function transport(): Transport {
  const events = new EventSource('/__bridge/events')
  return {
    invoke: async (channel, input) => {
      const res = await fetch(`/__bridge/call/${encodeURIComponent(channel)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: input === undefined ? '' : JSON.stringify(input),
      })
      return res.json()
    },
    subscribe: (channel, listener) => {
      const handler = (event: MessageEvent<string>) => listener(JSON.parse(event.data))
      events.addEventListener(channel, handler)
      return () => events.removeEventListener(channel, handler)
    },
  }
}

// Made when the page first asks for it: a window a script opens runs this on its first, empty
// about:blank (which has no harness to reach) and keeps the same window for the page it goes to.
let bridge: Api | undefined
Object.defineProperty(window, 'api', { get: () => (bridge ??= createBridge(transport())) })
