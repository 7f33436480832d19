import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IMAGE_RULES } from '../../src/shared/kling'
import { readImageUrl } from '../../src/main/inputs'
import { KlingApiError } from '../../src/main/kling/errors'
import type { FetchLike } from '../../src/main/kling/http'
import { jpeg, png } from '../fixtures/images'
import { refusal } from '../fixtures/refusal'

// Images at URLs, read from a real HTTP server on the loopback: what is not an image (a 404, a web
// page, a refused connection, a redirect elsewhere) is an unreadable URL naming its status, and a
// body that never ends is cut at 10 MB, not buffered.

const PAGE = '<!DOCTYPE html><html><body>Sign in to see this picture</body></html>'
const endless = { written: 0, closed: null as Promise<void> | null }

function endlessBody(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'image/png' })
  const chunk = Buffer.alloc(64 * 1024, 7)
  endless.written = 0
  endless.closed = new Promise((resolve) => res.on('close', resolve))
  let open = true
  res.on('close', () => (open = false))
  const pump = () => {
    while (open && res.write(chunk)) endless.written += chunk.length
    if (open) res.once('drain', pump)
  }
  res.write(png(400, 400).subarray(0, 33))
  pump()
}

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/img.png': (_q, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(png(640, 360)),
  '/photo': (_q, res) =>
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(jpeg(500, 400)),
  '/small.png': (_q, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(png(200, 150)),
  '/missing.png': (_q, res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('no'),
  '/broken.png': (_q, res) => res.writeHead(503).end(),
  '/page.png': (_q, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE),
  '/disguised.png': (_q, res) =>
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(PAGE),
  '/endless.png': (_q, res) => endlessBody(res),
  '/declared-huge.png': (_q, res) => {
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(20 * 1024 ** 2) })
    res.write(png(400, 400))
  },
  '/stalls.png': (_q, res) => {
    res.writeHead(200, { 'content-type': 'image/png' })
    res.write(png(400, 400).subarray(0, 40))
  },
  '/silent.png': () => undefined,
  '/moved.png': (_q, res) => res.writeHead(302, { location: '/img.png' }).end(),
  '/to-file.png': (_q, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end(),
  '/loop.png': (_q, res) => res.writeHead(301, { location: '/loop.png' }).end(),
}

let server: Server
let base: string
beforeAll(async () => {
  server = createServer((req, res) => {
    const route = routes[req.url ?? '']
    if (route) route(req, res)
    else res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

describe('readImageUrl', () => {
  it('reads an image, with the URL as provenance', async () => {
    const read = await readImageUrl(`${base}/img.png`)
    expect(read.facts).toMatchObject({ format: 'png', width: 640, height: 360 })
    expect(read.provenance).toEqual({ source: 'url', origin: `${base}/img.png` })
  })

  it('takes the format from the bytes, whatever the content type says', async () => {
    expect((await readImageUrl(`${base}/photo`)).facts.format).toBe('jpeg')
  })

  it('applies the image rules to what it read', async () => {
    const error = await refusal(readImageUrl(`${base}/small.png`, { field: 'image_tail' }))
    expect(error.message).toBe('image_tail must be at least 300x300 pixels (it is 200x150)')
  })

  it('refuses a 404 and a 503 as unreadable URLs with the status', async () => {
    const notFound = await refusal(readImageUrl(`${base}/missing.png`))
    expect(notFound.rule).toBe('url_unreadable')
    expect(notFound.message).toBe(`image is an unreadable URL: ${base}/missing.png (HTTP 404)`)
    expect(notFound.params).toMatchObject({ status: 404, reason: 'status' })
    expect((await refusal(readImageUrl(`${base}/broken.png`))).params.status).toBe(503)
  })

  it('refuses a web page, by its type or by its first bytes', async () => {
    const page = await refusal(readImageUrl(`${base}/page.png`))
    expect(page.rule).toBe('url_unreadable')
    expect(page.message).toContain('(HTTP 200, a web page, not an image)')
    const disguised = await refusal(readImageUrl(`${base}/disguised.png`))
    expect(disguised.params).toMatchObject({ status: 200, reason: 'html' })
  })

  it('refuses a refused connection', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const error = await refusal(readImageUrl(`http://127.0.0.1:${port}/a.png`))
    expect(error.rule).toBe('url_unreadable')
    expect(error.message).toContain('(could not connect: ECONNREFUSED)')
  })

  it('cuts an endless body at 10 MB and stops reading', async () => {
    let delivered = 0
    const counting: FetchLike = async (input, init) => {
      const res = await fetch(input, init)
      const counter = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          delivered += chunk.byteLength
          controller.enqueue(chunk)
        },
      })
      return new Response(res.body!.pipeThrough(counter), {
        status: res.status,
        headers: res.headers,
      })
    }
    const error = await refusal(readImageUrl(`${base}/endless.png`, { fetch: counting }))
    expect(error.rule).toBe('image_bytes')
    expect(error.message).toBe(
      'image must be at most 10 MB (the download passed 10 MB and was stopped)',
    )
    // The connection is dropped: the server stops writing instead of sending forever.
    await endless.closed
    expect(delivered).toBeLessThan(IMAGE_RULES.maxBytes + 1024 * 1024)
    const written = endless.written
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(endless.written).toBe(written)
  })

  it('refuses a declared length over 10 MB before reading the body', async () => {
    const error = await refusal(readImageUrl(`${base}/declared-huge.png`))
    expect(error.rule).toBe('image_bytes')
    expect(error.message).toBe('image must be at most 10 MB (it has 20 MB)')
  })

  it('times out the whole exchange: no answer, or a body that stalls', async () => {
    const silent = await refusal(readImageUrl(`${base}/silent.png`, { timeoutMs: 300 }))
    expect(silent.message).toContain('(no answer within 0.3 s)')
    const stalls = await refusal(readImageUrl(`${base}/stalls.png`, { timeoutMs: 300 }))
    expect(stalls.params).toMatchObject({ reason: 'timeout' })
  })

  it('follows a redirect to another http address, keeping the URL asked for', async () => {
    const read = await readImageUrl(`${base}/moved.png`)
    expect(read.facts.width).toBe(640)
    expect(read.provenance.origin).toBe(`${base}/moved.png`)
  })

  it('refuses a redirect to another scheme, and endless redirects', async () => {
    const toFile = await refusal(readImageUrl(`${base}/to-file.png`))
    expect(toFile.rule).toBe('url_unreadable')
    expect(toFile.message).toContain(
      '(HTTP 302, redirects to a file: address, which is not followed)',
    )
    const loop = await refusal(readImageUrl(`${base}/loop.png`))
    expect(loop.message).toContain('(more than 5 redirects)')
  })

  it('refuses what is not an http(s) URL, and never quotes a password', async () => {
    expect((await refusal(readImageUrl('ftp://example.com/a.png'))).rule).toBe('url_unreadable')
    const port = new URL(base).port
    const error = await refusal(readImageUrl(`http://me:secret@127.0.0.1:${port}/img.png`))
    expect(error.params).toMatchObject({ reason: 'credentials' })
    expect(error.message).not.toContain('secret')
  })

  it('a cancel is a cancel, not a broken URL', async () => {
    const controller = new AbortController()
    const pending = readImageUrl(`${base}/silent.png`, { signal: controller.signal })
    setTimeout(() => controller.abort(), 50)
    const error = await pending.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KlingApiError)
    expect((error as KlingApiError).kind).toBe('aborted')
  })
})
