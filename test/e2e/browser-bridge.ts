/// <reference lib="dom" />
import { createBridge, type Transport } from '../../src/shared/bridge'

// window.api for the browser tests: the very createBridge the preload uses, over HTTP and
// Server-Sent Events to the Node harness instead of Electron IPC.

const events = new EventSource('/__bridge/events')

const transport: Transport = {
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

Object.defineProperty(window, 'api', { value: createBridge(transport), writable: false })
