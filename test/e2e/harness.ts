import { createReadStream } from 'node:fs'
import { mkdir, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, resolve } from 'node:path'
import { Readable } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import { AppCore } from '../../src/main/app/app-core'
import { recoveryHandlers, rootHandlers } from '../../src/main/app/history-problem'
import { startEmulator, type Emulator } from '../../src/main/emulator/server'
import { eventSender, registerHandlers, type IpcEventLike } from '../../src/main/ipc/register'
import { Library } from '../../src/main/library/library'
import { handleMediaRequest, type MediaDeps } from '../../src/main/library/media-handler'
import { JsonSettingsStore } from '../../src/main/settings/settings-store'
import type { MemorySecretStore } from '../../src/main/secrets/secret-store'
import { moveAside, openHistory, problemOf } from '../../src/main/studio/history-open'
import type { Ledger } from '../../src/main/tasks/ledger'
import type { Handlers, HistoryProblem } from '../../src/shared/contract'

// The real main services behind the built renderer, for a real browser: the same AppCore,
// registerHandlers and media handler as the app, over HTTP (calls) and Server-Sent Events
// (events) instead of Electron IPC. Only the transport differs from the app. As main/index.ts
// does, a history that cannot be opened gets the recovery calls instead of the services, and a
// restart (Start afresh, Try again) stops what runs and launches again on the same folder.

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
  /**
   * Stands in for a main of another version: may rewrite a call's answer (its envelope) before
   * the page gets it. Asked on every call, by its channel (channelFor); what it answers is sent.
   */
  answer?: (channel: string, envelope: unknown) => unknown
}

export interface Harness {
  url: string
  /** The history problem the window is showing instead of the services (null: they run). */
  readonly problem: HistoryProblem | null
  /** How many restarts (Start afresh, Try again) have finished launching again. */
  readonly restarts: number
  /** Sends the page an event as main does (what the app menu, say, tells the window). */
  emit: ReturnType<typeof eventSender>
  close(): Promise<void>
}

/** What one launch runs: the calls it answers, its media, and how it stops. */
interface Launched {
  handlers: Handlers
  problem: HistoryProblem | null
  media: (() => MediaDeps) | null
  stop(): Promise<void>
}

interface LaunchDeps {
  options: HarnessOptions
  settings: JsonSettingsStore
  send: ReturnType<typeof eventSender>
  origin: () => string
  relaunch: () => void
}

/** The window without the services, as main/index.ts's recover(): the problem and the way out. */
function recovering(problem: HistoryProblem, d: LaunchDeps, libraryFolder: string): Launched {
  const handlers = recoveryHandlers({
    problem,
    settings: d.settings,
    info: { version: '0.1.0-e2e', platform: process.platform },
    libraryFolder,
    moveAside: (file) => moveAside(file),
    relaunch: d.relaunch,
  })
  return { handlers, problem, media: null, stop: async () => {} }
}

/** One launch of the app on the data folder, as main/index.ts's main() makes it. */
async function launch(d: LaunchDeps): Promise<Launched> {
  const historyFile = join(d.options.dataDir, 'history.db')
  const libraryRoot = join(d.options.dataDir, 'library')
  const recoverFrom = (error: unknown) => {
    const problem = problemOf(error, historyFile)
    if (!problem) throw error
    return recovering(problem, d, libraryRoot)
  }
  let ledger: Ledger
  try {
    ledger = openHistory(historyFile)
  } catch (error) {
    return recoverFrom(error)
  }
  const core = new AppCore({
    ledger,
    library: new Library({ root: libraryRoot }),
    secrets: d.options.secrets,
    settings: d.settings,
    actions: {
      reveal: () => {},
      open: async () => {},
      startDrag: () => {},
      trash: async () => {},
      notify: () => {},
      chooseImage: async () => null,
      chooseFolder: async (_current, purpose) =>
        purpose === 'export' ? (d.options.exportFolder ?? null) : null,
      // The person at the keyboard is the test: it means what it types.
      confirm: async () => true,
    },
    emit: d.send,
    startEmulator: (o) => startEmulator({ ...o, timeScale: 300 }),
    info: { version: '0.1.0-e2e', platform: process.platform },
    sandboxTimeScale: 300,
    get mediaBase() {
      return `${d.origin()}/media/`
    },
    get posterBase() {
      return `${d.origin()}/poster/`
    },
  })
  const stop = async () => {
    await core.stop().finally(() => ledger.close())
  }
  try {
    await core.start()
  } catch (error) {
    // Damage further in than the open reads: the services go, the window shows the problem.
    await stop().catch(() => {})
    return recoverFrom(error)
  }
  return {
    handlers: { ...core.handlers(), ...rootHandlers(d.relaunch) },
    problem: null,
    media: () => core.mediaDeps(),
    stop,
  }
}

/** The built renderer's files, and axe-core for the accessibility checks. */
async function serveStatic(pathname: string, res: ServerResponse): Promise<void> {
  if (pathname === '/__test/axe.js') {
    // Same origin, so the page's Content Security Policy allows it: the CSP stays on in tests.
    res.writeHead(200, { 'content-type': 'text/javascript' })
    return void createReadStream(resolve('node_modules/axe-core/axe.min.js')).pipe(res)
  }
  const file = resolve(RENDERER, `.${pathname === '/' ? '/index.html' : pathname}`)
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

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  await mkdir(options.dataDir, { recursive: true })
  const settings = new JsonSettingsStore(join(options.dataDir, 'config.json'))
  const clients = new Set<ServerResponse>()
  const handlers = new Map<string, (event: IpcEventLike, input: unknown) => Promise<unknown>>()
  let origin = ''

  const send = eventSender((channel, payload) => {
    const frame = `event: ${channel}\ndata: ${JSON.stringify(payload)}\n\n`
    for (const res of clients) res.write(frame)
  })
  let current: Launched | null = null
  let unregister = () => {}
  let restarts = 0
  let restarting: Promise<void> = Promise.resolve()
  const deps: LaunchDeps = { options, settings, send, origin: () => origin, relaunch: () => {} }
  const start = async () => {
    current = await launch(deps)
    unregister = registerHandlers(
      { handle: (c, fn) => handlers.set(c, fn), removeHandler: (c) => handlers.delete(c) },
      current.handlers,
      (url) => url.startsWith(`${origin}/`),
    )
  }
  deps.relaunch = () => {
    // As the app relaunches: once the call that asked has its answer, what runs stops and the app
    // launches again on the same folder (whoever drives the page reloads it, as a new window).
    restarting = restarting
      .then(() => new Promise((r) => setImmediate(r)))
      .then(async () => {
        unregister()
        await current?.stop()
        await start()
        restarts++
      })
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    let text = ''
    for await (const chunk of req) text += String(chunk)
    return text
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin)
    if (url.pathname.startsWith('/__bridge/call/') && req.method === 'POST') {
      const channel = decodeURIComponent(url.pathname.slice('/__bridge/call/'.length))
      const handler = handlers.get(channel)
      if (!handler) return void res.writeHead(404).end()
      const body = await readBody(req)
      // The page's own URL stands in for Electron's senderFrame.
      const frame = { url: req.headers.referer ?? '', parent: null }
      const answer = await handler(
        { senderFrame: frame },
        body === '' ? undefined : JSON.parse(body, reviveBytes),
      )
      res.writeHead(200, { 'content-type': 'application/json' })
      return void res.end(JSON.stringify(options.answer ? options.answer(channel, answer) : answer))
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
    // media://poster/<id>), same origin as the page; none while the history cannot be opened.
    const media = /^\/(media|poster)\/(.*)$/.exec(url.pathname)
    if (media)
      return serveMedia(req, res, `${media[1] === 'media' ? 'video' : 'poster'}/${media[2]}`)
    return serveStatic(url.pathname, res)
  }

  async function serveMedia(req: IncomingMessage, res: ServerResponse, at: string) {
    if (!current?.media) return void res.writeHead(404).end()
    const headers = new Headers()
    if (req.headers.range) headers.set('range', req.headers.range)
    const answer = await handleMediaRequest(
      new Request(`media://${at}`, { method: req.method, headers }),
      current.media(),
    )
    res.writeHead(answer.status, Object.fromEntries(answer.headers))
    if (!answer.body) return void res.end()
    Readable.fromWeb(answer.body as NodeReadableStream).pipe(res)
  }

  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500)
      res.end(String(error))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  // Written only when it changes: a test may have filled the disk after writing it.
  if (settings.get().baseUrl !== options.emulator.url)
    await settings.update({ baseUrl: options.emulator.url })
  await start()

  return {
    url: origin,
    get problem() {
      return current?.problem ?? null
    },
    get restarts() {
      return restarts
    },
    emit: send,
    close: async () => {
      for (const res of clients) res.end()
      await restarting.catch(() => {})
      await current?.stop()
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}
