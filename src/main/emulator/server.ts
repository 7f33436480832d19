import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { routeAdmin, taskViews } from './admin-routes'
import { matchApiPath, routeApi } from './api-routes'
import { createContext, type EmulatorContext } from './context'
import { FAULT_KINDS, type FaultKind } from './faults'
import { Reply } from './http'
import type { Emulator, EmulatorOptions } from './options'
import { serveVideo } from './video-serving'

// A CometAPI-compatible Kling server on loopback, for sandbox mode, tests and benchmarks: every
// endpoint of the registry (src/shared/kling/endpoints.ts), in any gateway dialect, seeded faults,
// callbacks and real MP4 results. This file only listens and dispatches; each family of routes has its own file.

export { FAULT_KINDS, type FaultKind }
export { DIALECTS, type DialectName } from '../kling/dialects'
export type { Emulator, EmulatorOptions, EmulatorTaskView } from './options'

async function route(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse) {
  const reply = new Reply(res, randomUUID(), ctx.dialect)
  const url = new URL(req.url ?? '/', 'http://emulator')
  const path = url.pathname.replace(/\/+$/, '')
  const method = req.method ?? 'GET'

  if (await routeAdmin(ctx, req, reply, path, method)) return
  const video = /^\/__emulator\/videos\/(\d+)\.mp4$/.exec(path)
  if (video && (method === 'GET' || method === 'HEAD')) return serveVideo(ctx, req, res, video[1]!)
  const api = matchApiPath(path, ctx.dialect)
  if (!api) return reply.notFoundPage()
  return routeApi(ctx, req, reply, api, path, method)
}

/** Starts an emulator; `close()` stops it and its pending timers. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const ctx = createContext(options)
  const server = createServer((req, res) => {
    route(ctx, req, res).catch((error: unknown) => {
      ctx.log(`internal error: ${error instanceof Error ? error.message : String(error)}`)
      if (!res.headersSent)
        new Reply(res, randomUUID(), ctx.dialect).fail(500, 5000, 'emulator internal error')
      else res.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
  })
  const { port, address } = server.address() as AddressInfo
  const host = address.includes(':') ? `[${address}]` : address
  ctx.baseUrl = `http://${host}:${port}`

  return {
    url: ctx.baseUrl,
    port,
    tasks: () => taskViews(ctx),
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of ctx.timers) clearTimeout(t)
        ctx.timers.clear()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
