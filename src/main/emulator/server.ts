import { randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pipeline, Transform } from 'node:stream'
import { formatFieldErrors, validateRequest } from '../../shared/kling'
import { seededRandom } from '../../shared/seeded-random'
import { contentRange, parseRange } from '../library/byte-range'
import { deliverCallbacks } from './callbacks'
import {
  createdData,
  errorBody,
  HTML_404,
  HTML_502,
  success,
  taskData,
  type ErrorStyle,
} from './envelopes'
import { FAULT_KINDS, FaultPlan, type FaultKind } from './faults'
import { findSamplesDir, sampleFile } from './samples'
import { snapshot, TaskStore, type EmulatedTask } from './task-store'

export { FAULT_KINDS, type FaultKind }

export interface EmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number
  host?: string
  /** How many times faster than real time: 180 makes a 3-minute task take a second. */
  timeScale?: number
  /** Share of API requests that get a fault, 0 to 1. */
  faultRate?: number
  faultKinds?: readonly FaultKind[]
  /** Share of video downloads cut short; defaults to faultRate. */
  downloadFaultRate?: number
  seed?: number
  /** When set, only this Bearer key is accepted; otherwise any non-empty one. */
  key?: string
  errorStyle?: ErrorStyle
  samplesDir?: string
  /** Serve this one file as every result (benchmarks download a large one). */
  resultFile?: string
  /** How long a 'slow' fault holds its answer, in real milliseconds. */
  slowMs?: number
  retryAfterSeconds?: number
  /** Serves videos no faster than this, so a test can stop a process in mid-download. */
  downloadBytesPerSecond?: number
  durations?: { meanSeconds?: number; spread?: number }
  log?: (line: string) => void
}

export interface EmulatorTaskView {
  task_id: string
  external_task_id: string | null
  task_status: string
  create_requests: number
  query_requests: number
  callback_deliveries: number
  request: unknown
}

export interface Emulator {
  url: string
  port: number
  tasks(): EmulatorTaskView[]
  close(): Promise<void>
}

const API_PATH = '/kling/v1/videos/text2video'

/** Passes bytes on at a steady rate. */
function throttle(bytesPerSecond: number): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      setTimeout(() => done(null, chunk), (chunk.length / bytesPerSecond) * 1000)
    },
  })
}
const MAX_BODY = 1024 * 1024

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY) {
        reject(new BodyTooLarge())
        req.resume()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** A CometAPI-compatible Kling text-to-video server on loopback, for sandbox mode and tests. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const timeScale = options.timeScale ?? 1
  const seed = options.seed ?? 1
  const style: ErrorStyle = options.errorStyle ?? 'kling'
  const samplesDir = options.samplesDir ?? findSamplesDir()
  let slowMs = options.slowMs ?? 1500
  const retryAfter = options.retryAfterSeconds ?? 1
  const log = options.log ?? (() => {})
  const kinds = options.faultKinds ?? FAULT_KINDS
  const faults = new FaultPlan(options.faultRate ?? 0, kinds, seed)
  const downloadFaults = new FaultPlan(
    options.downloadFaultRate ?? options.faultRate ?? 0,
    FAULT_KINDS,
    seed + 1,
  )
  const store = new TaskStore(seededRandom(seed), timeScale, {
    meanSeconds: options.durations?.meanSeconds ?? 180,
    spread: options.durations?.spread ?? 0.5,
  })
  const timers = new Set<NodeJS.Timeout>()
  let baseUrl = ''

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t)
      fn()
    }, ms)
    timers.add(t)
  }

  function send(
    res: ServerResponse,
    status: number,
    body: string,
    requestId: string,
    headers: Record<string, string> = {},
  ) {
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      'x-request-id': requestId,
      ...headers,
    })
    res.end(body)
  }

  const fail = (
    res: ServerResponse,
    status: number,
    code: number,
    message: string,
    requestId: string,
    headers = {},
  ) => send(res, status, errorBody(style, code, message, requestId), requestId, headers)

  function sendMalformed(res: ServerResponse, requestId: string) {
    const shape = faults.nextMalformed()
    if (shape === 'html') {
      res.writeHead(200, { 'content-type': 'text/html', 'x-request-id': requestId })
      res.end(HTML_502)
    } else if (shape === 'empty') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '0' })
      res.end()
    } else {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        '{"code":0,"message":"SUCCEED","request_id":"' + requestId + '","data":{"task_id":"87810',
      )
    }
  }

  function authorised(req: IncomingMessage): boolean {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
    if (!m) return false
    return options.key === undefined || m[1] === options.key
  }

  async function handleCreate(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    fault: FaultKind | null,
  ) {
    let text: string
    try {
      text = await readBody(req)
    } catch (error) {
      if (error instanceof BodyTooLarge)
        return fail(res, 413, 1200, 'request body is too large', requestId)
      throw error
    }
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      return fail(res, 400, 1200, 'request body is not valid JSON', requestId)
    }
    const checked = validateRequest(body)
    if (!checked.ok) return fail(res, 400, 1201, formatFieldErrors(checked.errors), requestId)
    const ext = checked.value.external_task_id
    const existing = ext !== undefined ? store.byExternalId(ext) : undefined
    if (existing) {
      existing.createRequests++
      return fail(res, 400, 1201, `external_task_id already exists: ${ext}`, requestId)
    }
    const task = store.create(checked.value, Date.now())
    log(`created ${task.taskId}${ext ? ` (${ext})` : ''}`)
    if (checked.value.callback_url)
      deliverCallbacks(task, checked.value.callback_url, { later, baseUrl: () => baseUrl, log })
    if (fault === 'reset_after_create') return void req.socket.destroy()
    if (fault === 'malformed') return sendMalformed(res, requestId)
    send(res, 200, success(requestId, createdData(task)), requestId)
  }

  function handleQuery(
    res: ServerResponse,
    req: IncomingMessage,
    id: string,
    requestId: string,
    fault: FaultKind | null,
  ) {
    const task = store.lookup(id)
    if (!task) return fail(res, 404, 1202, `task not found: ${id}`, requestId)
    task.queryRequests++
    if (fault === 'reset_after_create') return void req.socket.destroy()
    if (fault === 'malformed') return sendMalformed(res, requestId)
    send(res, 200, success(requestId, taskData(task, Date.now(), baseUrl)), requestId)
  }

  async function handleVideo(req: IncomingMessage, res: ServerResponse, taskId: string) {
    const task = store.lookup(taskId)
    if (!task || task.taskId !== taskId || snapshot(task, Date.now()).status !== 'succeed') {
      res.writeHead(404, { 'content-type': 'text/html' })
      return void res.end(HTML_404)
    }
    const file =
      options.resultFile ?? sampleFile(samplesDir, task.request.aspect_ratio, task.request.duration)
    const { size } = await stat(file)
    const range = parseRange(req.headers.range, size)
    if (range.kind === 'unsatisfiable') {
      res.writeHead(416, { 'content-range': `bytes */${size}`, 'accept-ranges': 'bytes' })
      return void res.end()
    }
    const start = range.kind === 'partial' ? range.start : 0
    const end = range.kind === 'partial' ? range.end : size - 1
    const headers: Record<string, string> = {
      'content-type': 'video/mp4',
      'accept-ranges': 'bytes',
      'content-length': String(end - start + 1),
    }
    if (range.kind === 'partial') headers['content-range'] = contentRange(start, end, size)
    res.writeHead(range.kind === 'partial' ? 206 : 200, headers)
    if (req.method === 'HEAD') return void res.end()
    if (downloadFaults.next() !== null) {
      // A connection dropped mid-download: half of what was promised, then nothing.
      const cut = start + Math.max(1, Math.floor((end - start + 1) / 2)) - 1
      const stream = createReadStream(file, { start, end: cut })
      stream.pipe(res, { end: false })
      stream.on('end', () => res.socket?.destroy())
      return
    }
    const source = createReadStream(file, { start, end, highWaterMark: 4096 })
    const rate = options.downloadBytesPerSecond
    // pipeline, not pipe: a client that goes away must close the file too.
    const done = () => {}
    if (rate) pipeline(source, throttle(rate), res, done)
    else pipeline(source, res, done)
  }

  /** POST /__emulator/config: change faults while running, e.g. {"faultRate":1,"faultKinds":["slow"]}. */
  async function handleConfig(req: IncomingMessage, res: ServerResponse, requestId: string) {
    let body: Record<string, unknown>
    try {
      body = JSON.parse(await readBody(req)) as Record<string, unknown>
    } catch {
      return fail(res, 400, 1200, 'config must be JSON', requestId)
    }
    const rate =
      typeof body.faultRate === 'number' && body.faultRate >= 0 && body.faultRate <= 1
        ? body.faultRate
        : null
    const kinds = Array.isArray(body.faultKinds)
      ? body.faultKinds.filter((k): k is FaultKind =>
          (FAULT_KINDS as readonly unknown[]).includes(k),
        )
      : undefined
    if (rate === null)
      return fail(res, 400, 1201, 'faultRate must be a number from 0 to 1', requestId)
    faults.configure(rate, kinds)
    if (typeof body.slowMs === 'number' && body.slowMs >= 0) slowMs = body.slowMs
    send(res, 200, '{"ok":true}', requestId)
  }

  async function route(req: IncomingMessage, res: ServerResponse) {
    const requestId = randomUUID()
    const url = new URL(req.url ?? '/', 'http://emulator')
    const path = url.pathname.replace(/\/+$/, '')
    const method = req.method ?? 'GET'

    if (path === '/__emulator/tasks' && method === 'GET') {
      return send(res, 200, JSON.stringify(views()), requestId)
    }
    if (path === '/__emulator/health') return send(res, 200, '{"ok":true}', requestId)
    if (path === '/__emulator/config' && method === 'POST') return handleConfig(req, res, requestId)
    const video = /^\/__emulator\/videos\/(\d+)\.mp4$/.exec(path)
    if (video && (method === 'GET' || method === 'HEAD')) return handleVideo(req, res, video[1]!)

    const isCreate = path === API_PATH
    const query = path.startsWith(`${API_PATH}/`)
      ? decodeURIComponent(path.slice(API_PATH.length + 1))
      : null
    if (!isCreate && (query === null || query === '' || query.includes('/'))) {
      res.writeHead(404, { 'content-type': 'text/html' })
      return void res.end(HTML_404)
    }
    if ((isCreate && method !== 'POST') || (query !== null && method !== 'GET')) {
      return fail(res, 404, 1202, `${method} is not allowed on ${path}`, requestId)
    }

    const fault = faults.next()
    if (fault) log(`fault ${fault} on ${method} ${path}`)
    switch (fault) {
      case 'reset_before_create':
        return void req.socket.destroy()
      case 'rate_limit':
        return fail(res, 429, 1302, 'too many requests, please slow down', requestId, {
          'retry-after': String(retryAfter),
        })
      case 'server_500':
        return fail(res, 500, 5000, 'internal server error', requestId)
      case 'server_503':
        return fail(res, 503, 5001, 'service temporarily unavailable', requestId)
      case 'server_504':
        return fail(res, 504, 5002, 'gateway timeout', requestId)
      case 'slow':
        await new Promise<void>((r) => later(slowMs, r))
        break
      default:
        break
    }
    if (!authorised(req)) {
      return fail(
        res,
        401,
        options.key === undefined ? 1000 : 1002,
        'authentication failed: invalid or missing API key',
        requestId,
      )
    }
    if (isCreate) return handleCreate(req, res, requestId, fault)
    return handleQuery(res, req, query!, requestId, fault)
  }

  function views(): EmulatorTaskView[] {
    const now = Date.now()
    return store.all().map((t: EmulatedTask) => ({
      task_id: t.taskId,
      external_task_id: t.externalTaskId,
      task_status: snapshot(t, now).status,
      create_requests: t.createRequests,
      query_requests: t.queryRequests,
      callback_deliveries: t.callbackDeliveries,
      request: t.request,
    }))
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      log(`internal error: ${error instanceof Error ? error.message : String(error)}`)
      if (!res.headersSent) fail(res, 500, 5000, 'emulator internal error', randomUUID())
      else res.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
  })
  const { port, address } = server.address() as AddressInfo
  const host = address.includes(':') ? `[${address}]` : address
  baseUrl = `http://${host}:${port}`

  return {
    url: baseUrl,
    port,
    tasks: views,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t)
        timers.clear()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
