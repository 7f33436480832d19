import type { IncomingMessage, ServerResponse } from 'node:http'
import type { DialectName } from '../kling/dialects'
import { errorBody, HTML_404, HTML_502, isRelay, noSuchTask } from './envelopes'
import type { FaultPlan } from './faults'

// The emulator's HTTP plumbing: reading a body under a size cap, and one Reply per request that
// answers in the configured dialect with the request's id on every JSON answer.

/** The cap on a body without images (text-to-video, an extension, the config). */
export const MAX_BODY = 1024 * 1024
/** The cap on a body that may carry base64 images: several of up to 10 MB each, as base64. */
export const MAX_IMAGE_BODY = 64 * 1024 * 1024

export class BodyTooLarge extends Error {}

export function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
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

export class Reply {
  constructor(
    readonly res: ServerResponse,
    readonly requestId: string,
    readonly dialect: DialectName,
  ) {}

  /** The relays name their request id header after the project they come from (one-api). */
  private get idHeader(): string {
    return isRelay(this.dialect) ? 'x-oneapi-request-id' : 'x-request-id'
  }

  json(status: number, body: string, headers: Record<string, string> = {}): void {
    this.res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      [this.idHeader]: this.requestId,
      ...headers,
    })
    this.res.end(body)
  }

  fail(status: number, code: number, message: string, headers: Record<string, string> = {}): void {
    this.json(status, errorBody(this.dialect, status, code, message, this.requestId), headers)
  }

  /** No task under this id, as the dialect says it. */
  noSuchTask(id: string): void {
    const { status, body } = noSuchTask(this.dialect, id, this.requestId)
    this.json(status, body)
  }

  /** What a wrong path answers: a web server's page, not the API's JSON. */
  notFoundPage(): void {
    this.res.writeHead(404, { 'content-type': 'text/html' })
    this.res.end(HTML_404)
  }

  /** A 200 whose body is not the JSON promised: the shapes take turns. */
  malformed(faults: FaultPlan): void {
    const res = this.res
    const shape = faults.nextMalformed()
    if (shape === 'html') {
      res.writeHead(200, { 'content-type': 'text/html', [this.idHeader]: this.requestId })
      res.end(HTML_502)
    } else if (shape === 'empty') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '0' })
      res.end()
    } else {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        '{"code":0,"message":"SUCCEED","request_id":"' +
          this.requestId +
          '","data":{"task_id":"87810',
      )
    }
  }
}
