import { createReadStream } from 'node:fs'
import { mkdir, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, resolve } from 'node:path'
import { Readable } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import { AppCore } from '../../src/main/app/app-core'
import { startEmulator, type Emulator } from '../../src/main/emulator/server'
import { eventSender, registerHandlers, type IpcEventLike } from '../../src/main/ipc/register'
import { Library } from '../../src/main/library/library'
import { handleMediaRequest } from '../../src/main/library/media-handler'
import { JsonSettingsStore } from '../../src/main/settings/settings-store'
import type { MemorySecretStore } from '../../src/main/secrets/secret-store'
import { Ledger } from '../../src/main/tasks/ledger'

// The real main services behind the built renderer, for a real browser: the same AppCore,
// registerHandlers and media handler as the app, over HTTP (calls) and Server-Sent Events
// (events) instead of Electron IPC. Only the transport differs from the app.

const RENDERER = resolve('out/renderer')
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
}

/**
 * Electron's IPC carries a Uint8Array as it is; JSON writes one as {"0":255,"1":216,...}, so the
 * bytes a call hands over (an image, a poster) are turned back into one here.
 */
function reviveBytes(key: string, value: unknown): unknown {
  if (key !== 'bytes' || value === null || typeof value !== 'object' || Array.isArray(value))
    return value
  return Uint8Array.from(Object.values(value as Record<string, number>))
}

export interface HarnessOptions {
  dataDir: string
  emulator: Emulator
  /** Shared across restarts, as the OS keychain is. */
  secrets: MemorySecretStore
  /** The folder an export "picks" (the person at the folder picker); none: export is cancelled. */
  exportFolder?: string
}

export interface Harness {
  url: string
  close(): Promise<void>
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  await mkdir(options.dataDir, { recursive: true })
  const ledger = new Ledger(join(options.dataDir, 'history.db'))
  const library = new Library({ root: join(options.dataDir, 'library') })
  const settings = new JsonSettingsStore(join(options.dataDir, 'config.json'))
  const clients = new Set<ServerResponse>()
  const handlers = new Map<string, (event: IpcEventLike, input: unknown) => Promise<unknown>>()
  let origin = ''

  const send = eventSender((channel, payload) => {
    const frame = `event: ${channel}\ndata: ${JSON.stringify(payload)}\n\n`
    for (const res of clients) res.write(frame)
  })
  const core = new AppCore({
    ledger,
    library,
    secrets: options.secrets,
    settings,
    actions: {
      reveal: () => {},
      open: async () => {},
      startDrag: () => {},
      trash: async () => {},
      notify: () => {},
      chooseImage: async () => null,
      chooseFolder: async (_current, purpose) =>
        purpose === 'export' ? (options.exportFolder ?? null) : null,
      // The person at the keyboard is the test: it means what it types.
      confirm: async () => true,
    },
    emit: send,
    startEmulator: (o) => startEmulator({ ...o, timeScale: 300 }),
    info: { version: '0.1.0-e2e', platform: process.platform },
    sandboxTimeScale: 300,
    get mediaBase() {
      return `${origin}/media/`
    },
    get posterBase() {
      return `${origin}/poster/`
    },
  })
  registerHandlers(
    { handle: (c, fn) => handlers.set(c, fn), removeHandler: (c) => handlers.delete(c) },
    core.handlers(),
    (url) => url.startsWith(`${origin}/`),
  )

  async function readBody(req: IncomingMessage): Promise<string> {
    let text = ''
    for await (const chunk of req) text += String(chunk)
    return text
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin)
    if (url.pathname.startsWith('/__bridge/call/') && req.method === 'POST') {
      const handler = handlers.get(decodeURIComponent(url.pathname.slice('/__bridge/call/'.length)))
      if (!handler) return void res.writeHead(404).end()
      const body = await readBody(req)
      // The page's own URL stands in for Electron's senderFrame.
      const frame = { url: req.headers.referer ?? '', parent: null }
      const answer = await handler(
        { senderFrame: frame },
        body === '' ? undefined : JSON.parse(body, reviveBytes),
      )
      res.writeHead(200, { 'content-type': 'application/json' })
      return void res.end(JSON.stringify(answer))
    }
    if (url.pathname === '/__bridge/events') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      })
      res.write(': connected\n\n')
      clients.add(res)
      req.on('close', () => clients.delete(res))
      return
    }
    // Saved videos and their posters, through the app's own media handler (media://video/<id>,
    // media://poster/<id>), same origin as the page.
    const media = /^\/(media|poster)\/(.*)$/.exec(url.pathname)
    if (media) {
      const host = media[1] === 'media' ? 'video' : 'poster'
      const headers = new Headers()
      if (req.headers.range) headers.set('range', req.headers.range)
      const answer = await handleMediaRequest(
        new Request(`media://${host}/${media[2]}`, { method: req.method, headers }),
        core.mediaDeps(),
      )
      res.writeHead(answer.status, Object.fromEntries(answer.headers))
      if (!answer.body) return void res.end()
      Readable.fromWeb(answer.body as NodeReadableStream).pipe(res)
      return
    }
    if (url.pathname === '/__test/axe.js') {
      // Same origin, so the page's Content Security Policy allows it: the CSP stays on in tests.
      res.writeHead(200, { 'content-type': 'text/javascript' })
      return void createReadStream(resolve('node_modules/axe-core/axe.min.js')).pipe(res)
    }
    const file = resolve(RENDERER, `.${url.pathname === '/' ? '/index.html' : url.pathname}`)
    if (!file.startsWith(RENDERER)) return void res.writeHead(403).end()
    try {
      const info = await stat(file)
      if (!info.isFile()) throw new Error('not a file')
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': info.size,
      })
      createReadStream(file).pipe(res)
    } catch {
      res.writeHead(404).end()
    }
  }

  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500)
      res.end(String(error))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  await settings.update({ baseUrl: options.emulator.url })
  await core.start()

  return {
    url: origin,
    close: async () => {
      for (const res of clients) res.end()
      await core.stop()
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
      ledger.close()
    },
  }
}
