import type { FetchLike } from './http'

// The one seam a download reaches the network through: a GET answered with its status, its
// headers and its body read chunk by chunk. Two ways fill it: a fetch (the app passes Electron's
// net.fetch, which follows the system's proxy settings) and node:http (node-get.ts, the command
// line's default: about twice as fast as Node's fetch for a large body, and half the garbage).

/** A response body read as it arrives. */
export interface DownloadBody {
  /** The next chunk, or null at the end; rejects when the connection fails. */
  read(): Promise<Uint8Array | null>
  /** Stops reading and lets the connection go; a read under way ends. */
  cancel(): Promise<void>
  /** Chunks read from this body and written: their memory may be freed at once (none use them). */
  release?(chunks: Uint8Array[]): void
}

export interface DownloadAnswer {
  status: number
  /** A response header, or null. */
  header(name: string): string | null
  body: DownloadBody | null
}

export interface GetOptions {
  headers: Record<string, string>
  signal: AbortSignal
}

/** One GET, redirects followed; rejects only when no answer came (refused, reset, aborted). */
export type DownloadGet = (url: string, options: GetOptions) => Promise<DownloadAnswer>

/** The seam over a fetch: its body's reader, cancelled to let the connection go. */
export function fetchGet(fetch: FetchLike): DownloadGet {
  return async (url, { headers, signal }) => {
    const res = await fetch(url, { method: 'GET', headers, signal })
    const reader = res.body?.getReader()
    return {
      status: res.status,
      header: (name) => res.headers.get(name),
      body: reader
        ? {
            read: async () => {
              const { value, done } = await reader.read()
              return done ? null : value
            },
            cancel: () => reader.cancel(),
          }
        : null,
    }
  }
}
