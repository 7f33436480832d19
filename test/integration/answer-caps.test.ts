// API answers are capped before parsing: a wrong or hostile address that sends a huge body, a
// Content-Length that lies, or JSON nested thousands of levels deep ends in an unreadable_response
// error carrying the request id, without filling memory or blocking the event loop. Served by a
// real HTTP server on loopback, read by the real client.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import {
  createServer as createNetServer,
  type AddressInfo,
  type Server as NetServer,
  type Socket,
} from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { KlingClient } from '../../src/main/kling/client'
import { KlingApiError } from '../../src/main/kling/errors'
import { MAX_ANSWER_BYTES } from '../../src/main/kling/http'
import {
  AnswerTooDeepError,
  MAX_ANSWER_DEPTH,
  nestsDeeperThan,
  parseJsonKeepingIds,
} from '../../src/main/kling/parse'
import { stream } from '../fixtures/hostile-bodies'

const MB = 1024 * 1024
const servers: Server[] = []
const rawServers: NetServer[] = []
const rawSockets = new Set<Socket>()

afterEach(async () => {
  for (const socket of rawSockets) socket.destroy()
  rawSockets.clear()
  await Promise.all(rawServers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))))
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((r) => {
          s.closeAllConnections()
          s.close(() => r())
        }),
    ),
  )
})

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>

async function serve(handler: Handler): Promise<string> {
  const server = createServer((req, res) => void handler(req, res))
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** A server that writes raw bytes after the request, for framing Node's http would not send. */
async function serveRaw(write: (socket: Socket) => Promise<void>): Promise<string> {
  const server = createNetServer((socket) => {
    rawSockets.add(socket)
    socket.on('error', () => {})
    socket.once('data', () => void write(socket))
  })
  rawServers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

function client(url: string): KlingClient {
  return new KlingClient({ baseUrl: url, apiKey: 'test-key', requestTimeoutMs: 20_000 })
}

async function failure(p: Promise<unknown>): Promise<KlingApiError> {
  try {
    await p
  } catch (error) {
    if (error instanceof KlingApiError) return error
    throw error
  }
  throw new Error('expected a KlingApiError')
}

const TASK = `{"code":0,"message":"SUCCEED","request_id":"req-ok","data":{"task_id":"878106242831892487",
 "task_status":"processing","task_status_msg":"","created_at":1777385361501,"updated_at":1777385361501}}`

describe('API answer caps', () => {
  it('ends a 100 MB streamed answer at the cap, with bounded memory and the request id', async () => {
    let sent = 0
    const url = await serve(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req-huge' })
      res.write('{"code":0,"data":"')
      sent = await stream(res, 100 * MB)
    })
    globalThis.gc?.()
    const before = process.memoryUsage()
    const error = await failure(client(url).videos.get('text2video', '1', { attempts: 1 }))
    const after = process.memoryUsage()
    expect(error.kind).toBe('unreadable_response')
    expect(error.message).toMatch(/more than 1 MB .*check the API address/)
    expect(error.requestId).toBe('req-huge')
    expect(error.describe()).toContain('request id req-huge')
    // The request was ended, not read to its end.
    expect(sent).toBeLessThan(100 * MB)
    expect(after.heapUsed - before.heapUsed).toBeLessThan(50 * MB)
    expect(after.rss - before.rss).toBeLessThan(50 * MB)
  })

  it('refuses an answer whose Content-Length announces too much, before reading it', async () => {
    let sent = 0
    const url = await serve(async (_req, res) => {
      res.writeHead(200, { 'content-length': String(2 * 1024 * MB), 'request-id': 'req-big' })
      sent = await stream(res, 100 * MB)
    })
    const error = await failure(client(url).videos.get('text2video', '1', { attempts: 1 }))
    expect(error.kind).toBe('unreadable_response')
    expect(error.message).toMatch(/more than 1 MB/)
    expect(error.requestId).toBe('req-big')
    expect(sent).toBeLessThan(100 * MB)
  })

  it('does not trust a small Content-Length: a huge body past it is still capped', async () => {
    // Over HTTP/1.1 the framing stops the client at the announced length; a fetch that does not
    // (a relay, another runtime) is played here by a Response that lies the same way.
    const huge = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x20))
      },
    })
    const lying = new KlingClient({
      baseUrl: 'http://127.0.0.1:9',
      apiKey: 'test-key',
      fetch: async () =>
        new Response(huge, {
          status: 200,
          headers: { 'content-length': '20', 'x-request-id': 'req-lie' },
        }),
    })
    const error = await failure(lying.videos.get('text2video', '1', { attempts: 1 }))
    expect(error.kind).toBe('unreadable_response')
    expect(error.message).toMatch(/more than 1 MB/)
    expect(error.requestId).toBe('req-lie')

    // And on a real connection the lie ends in an error, never in a task or unbounded reading.
    const url = await serveRaw(async (socket) => {
      socket.write(
        'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 20\r\n\r\n',
      )
      socket.write('{"code":0,"data":{"task_id":"1"')
      const block = Buffer.alloc(64 * 1024, 0x20)
      for (let sent = 0; sent < 10 * MB && !socket.destroyed; sent += block.length) {
        if (!socket.write(block)) await new Promise((r) => socket.once('drain', r).once('close', r))
      }
      socket.end()
    })
    const real = await failure(client(url).videos.get('text2video', '1', { attempts: 1 }))
    expect(real.kind).toBe('unreadable_response')
  })

  it('refuses 100k nested brackets with an error instead of parsing them', async () => {
    const nested = '['.repeat(100_000) + ']'.repeat(100_000)
    expect(nested.length).toBeLessThan(MAX_ANSWER_BYTES)
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req-deep' })
      res.end(`{"code":0,"data":${nested}}`)
    })
    const error = await failure(client(url).videos.get('text2video', '1', { attempts: 1 }))
    expect(error.kind).toBe('unreadable_response')
    expect(error.message).toMatch(/nested more than 64 levels deep/)
    expect(error.requestId).toBe('req-deep')
  })

  it('counts only brackets outside strings, escaped quotes included', () => {
    const inString = `{"msg":"\\"${'['.repeat(1000)}","ok":[[1]]}`
    expect(parseJsonKeepingIds(inString)).toMatchObject({ ok: [[1]] })
    expect(nestsDeeperThan('['.repeat(64) + ']'.repeat(64), MAX_ANSWER_DEPTH)).toBe(false)
    expect(() => parseJsonKeepingIds('['.repeat(65) + ']'.repeat(65))).toThrow(AnswerTooDeepError)
  })

  it('still reads a normal answer, and one just under the cap', async () => {
    const padded = TASK.replace(
      '"task_status_msg":""',
      `"task_status_msg":"${'x'.repeat(MAX_ANSWER_BYTES - TASK.length - 10)}"`,
    )
    expect(Buffer.byteLength(padded)).toBeLessThanOrEqual(MAX_ANSWER_BYTES)
    let answer = TASK
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(answer)
    })
    const task = await client(url).videos.get('text2video', '878106242831892487')
    expect(task.task_id).toBe('878106242831892487')
    expect(task.task_status).toBe('processing')
    expect(task.request_id).toBe('req-ok')
    answer = padded
    const big = await client(url).videos.get('text2video', '878106242831892487')
    expect(big.task_status_msg.length).toBeGreaterThan(MAX_ANSWER_BYTES - 1000)
  })
})
