import { describe, expect, it } from 'vitest'
import {
  classifyFailure,
  isRetryable,
  KlingApiError,
  networkError,
  parseRetryAfter,
} from '../../src/main/kling/errors'
import {
  normaliseTask,
  parseJsonKeepingIds,
  readTaskResponse,
  toMillis,
  type RawResponse,
} from '../../src/main/kling/parse'

const respond = (
  status: number,
  text: string,
  headers: Record<string, string> = {},
): RawResponse => {
  const h = new Headers(headers)
  return { status, text, headers: { get: (n) => h.get(n) } }
}

const thrown = (fn: () => unknown): KlingApiError => {
  try {
    fn()
  } catch (error) {
    if (error instanceof KlingApiError) return error
    throw error
  }
  throw new Error('expected a KlingApiError')
}

const FINISHED = `{"code":0,"message":"SUCCEED","request_id":"9ab376fc-9059-487f-9e2a-c9c89f1a344f",
 "data":{"task_id":"878106242831892487","task_status":"succeed","task_status_msg":"",
  "task_info":{"external_task_id":"ks-0b7c2e1a"},
  "task_result":{"videos":[{"id":"878106243104522311","url":"https://cdn.example/video.mp4?sig=1","duration":"5.1"}]},
  "final_unit_deduction":"1","created_at":1777385361501,"updated_at":1777385590112}}`

describe('readTaskResponse: success variants', () => {
  it('reads the documented finished task', () => {
    const task = readTaskResponse(respond(200, FINISHED))
    expect(task).toEqual({
      task_id: '878106242831892487',
      task_status: 'succeed',
      task_status_msg: '',
      external_task_id: 'ks-0b7c2e1a',
      videos: [
        { id: '878106243104522311', url: 'https://cdn.example/video.mp4?sig=1', duration: '5.1' },
      ],
      created_at: 1777385361501,
      updated_at: 1777385590112,
      final_unit_deduction: '1',
      request_id: '9ab376fc-9059-487f-9e2a-c9c89f1a344f',
    })
  })

  it('keeps every digit of ids sent as JSON numbers above 2^53', () => {
    const text = `{"code":0,"message":"success","request_id":"r","data":{"task_id":878106242831892487,
      "task_status":"succeed","task_result":{"videos":[{"id":878106243104522311,"url":"https://x/v.mp4","duration":5.1}]}}}`
    const task = readTaskResponse(respond(200, text))
    expect(task.task_id).toBe('878106242831892487')
    expect(task.videos[0]!.id).toBe('878106243104522311')
    expect(task.videos[0]!.duration).toBe('5.1')
    // What a plain JSON.parse would have done to it:
    expect(String((JSON.parse(text) as { data: { task_id: number } }).data.task_id)).not.toBe(
      '878106242831892487',
    )
  })

  it('leaves numbers that are not ids alone', () => {
    expect(parseJsonKeepingIds('{"created_at":1777385361501,"cfg_scale":0.5,"id":7}')).toEqual({
      created_at: 1777385361501,
      cfg_scale: 0.5,
      id: '7',
    })
  })

  it('reads a running task with {} result and {} task_info', () => {
    const task = readTaskResponse(
      respond(
        200,
        '{"code":0,"message":"SUCCEED","request_id":"r1","data":{"task_id":"1","task_status":"processing","task_info":{},"task_result":{}}}',
      ),
    )
    expect(task).toMatchObject({
      task_id: '1',
      task_status: 'processing',
      videos: [],
      external_task_id: null,
      created_at: null,
    })
  })

  it('reads the create answer, which has only the first fields', () => {
    const task = readTaskResponse(
      respond(
        200,
        '{"code":0,"message":"<string>","request_id":"r","data":{"task_id":"42","task_status":"submitted","created_at":1777385361501,"updated_at":1777385361501}}',
      ),
    )
    expect(task).toMatchObject({
      task_id: '42',
      task_status: 'submitted',
      created_at: 1777385361501,
    })
  })

  it('converts seconds to milliseconds', () => {
    expect(toMillis(1777385361)).toBe(1777385361000)
    expect(toMillis('1777385361501')).toBe(1777385361501)
    expect(toMillis(0)).toBeNull()
    expect(toMillis('soon')).toBeNull()
    const task = readTaskResponse(
      respond(
        200,
        '{"code":0,"data":{"task_id":"1","task_status":"submitted","created_at":1777385361}}',
      ),
    )
    expect(task.created_at).toBe(1777385361000)
  })

  it('keeps an unknown status verbatim', () => {
    const task = readTaskResponse(
      respond(200, '{"code":0,"data":{"task_id":"1","task_status":"queueing"}}'),
    )
    expect(task.task_status).toBe('queueing')
  })

  it('reads the older wrapped shape (data.data) and its status words', () => {
    const text = `{"code":"success","message":"","data":{"task_id":"w1","status":"SUCCESS","progress":"100%",
      "data":{"task_id":"w1","task_status":"succeed","task_result":{"videos":[{"id":"v","url":"https://x/v.mp4","duration":"10"}]}}}}`
    // "success" is the relays' word for code 0 (src/main/kling/dialects.ts); both read the same.
    for (const body of [text, text.replace('"code":"success"', '"code":0')]) {
      expect(readTaskResponse(respond(200, body))).toMatchObject({
        task_id: 'w1',
        task_status: 'succeed',
        videos: [{ duration: '10' }],
      })
    }
    expect(() => readTaskResponse(respond(200, text.replace('"success"', '"ok"')))).toThrow()
    const statusOnly = normaliseTask(
      { status: 'FAILURE', fail_reason: 'blocked', data: { task_id: 'w2' } },
      null,
    )
    expect(statusOnly).toMatchObject({
      task_id: 'w2',
      task_status: 'failed',
      task_status_msg: 'blocked',
    })
  })

  it('takes the request id from the header when the body has none', () => {
    const task = readTaskResponse(
      respond(200, '{"code":0,"data":{"task_id":"1","task_status":"submitted"}}', {
        'x-request-id': 'hdr-1',
      }),
    )
    expect(task.request_id).toBe('hdr-1')
  })
})

describe('readTaskResponse: broken answers are rejected clearly', () => {
  it('a succeed task with no video is an error, not a success', () => {
    const e = thrown(() =>
      readTaskResponse(
        respond(
          200,
          '{"code":0,"request_id":"r9","data":{"task_id":"1","task_status":"succeed","task_result":{}}}',
        ),
      ),
    )
    expect(e.kind).toBe('unreadable_response')
    expect(e.message).toMatch(/succeed but sent no video/)
    expect(e.requestId).toBe('r9')
  })

  it.each([
    ['truncated JSON', 200, '{"code":0,"data":{"task_', {}, /not valid JSON/],
    ['an empty body', 200, '', {}, /empty answer/],
    [
      'an HTML page',
      200,
      '<html><head><title>502 Bad Gateway</title></head></html>',
      { 'content-type': 'text/html' },
      /web page \("502 Bad Gateway"\)/,
    ],
    [
      'a redirect',
      302,
      '',
      { location: 'https://login.example/' },
      /redirected to https:\/\/login.example\//,
    ],
    ['JSON that is not an object', 200, '[1,2]', {}, /not an object/],
    ['no data', 200, '{"code":0,"message":"ok"}', {}, /no task data/],
    ['no task id', 200, '{"code":0,"data":{"task_status":"submitted"}}', {}, /no task_id/],
    ['no status', 200, '{"code":0,"data":{"task_id":"1"}}', {}, /no task_status/],
    [
      'videos not a list',
      200,
      '{"code":0,"data":{"task_id":"1","task_status":"processing","task_result":{"videos":"x"}}}',
      {},
      /not a list/,
    ],
    [
      'a video without url',
      200,
      '{"code":0,"data":{"task_id":"1","task_status":"succeed","task_result":{"videos":[{"id":"v"}]}}}',
      {},
      /no http\(s\) url/,
    ],
  ] as const)('%s', (_name, status, text, headers, message) => {
    const e = thrown(() => readTaskResponse(respond(status, text, headers)))
    expect(e.kind).toBe('unreadable_response')
    expect(e.message).toMatch(message)
    // A garbled 2xx may be a passing fault; a redirect means a wrong base URL.
    expect(isRetryable(e)).toBe(status < 300)
  })

  it('an HTML error page with a 5xx status is a server error', () => {
    const e = thrown(() =>
      readTaskResponse(respond(503, '<html>down</html>', { 'content-type': 'text/html' })),
    )
    expect(e.kind).toBe('server')
    expect(e.status).toBe(503)
  })
})

describe('readTaskResponse: both error envelopes', () => {
  it.each([
    [401, 1002, 'authentication', false],
    [429, 1101, 'insufficient_credit', false],
    [429, 1102, 'insufficient_credit', false],
    [403, 1103, 'authentication', false],
    [400, 1201, 'invalid_request', false],
    [400, 1301, 'content_policy', false],
    [429, 1302, 'rate_limited', true],
    [429, 1303, 'too_many_tasks', false],
    [500, 5000, 'server', true],
    [503, 5001, 'server', true],
    [504, 5002, 'server', true],
  ] as const)('Kling style HTTP %i code %i -> %s', (status, code, kind, retryable) => {
    const e = thrown(() =>
      readTaskResponse(
        respond(status, `{"code":${code},"message":"msg ${code}","request_id":"req-${code}"}`, {
          'retry-after': '3',
        }),
      ),
    )
    expect(e).toMatchObject({
      kind,
      status,
      code: String(code),
      requestId: `req-${code}`,
      message: `msg ${code}`,
    })
    expect(e.retryAfterMs).toBe(3000)
    expect(isRetryable(e)).toBe(retryable)
    expect(e.describe()).toContain(`request id req-${code}`)
  })

  it('a business error inside HTTP 200 is still an error', () => {
    const e = thrown(() =>
      readTaskResponse(respond(200, '{"code":1201,"message":"bad","request_id":"x"}')),
    )
    expect(e.kind).toBe('invalid_request')
  })

  it('CometAPI style: request id pulled out of the message', () => {
    const e = thrown(() =>
      readTaskResponse(
        respond(
          401,
          '{"error":{"message":"Invalid token (request id: 2025051314555012345678)","type":"comet_api_error","param":"","code":"invalid_api_key"}}',
        ),
      ),
    )
    expect(e).toMatchObject({
      kind: 'authentication',
      status: 401,
      code: 'invalid_api_key',
      requestId: '2025051314555012345678',
      message: 'Invalid token',
    })
  })

  it('CometAPI style: a 500 whose code is invalid_request is not retried', () => {
    const e = thrown(() =>
      readTaskResponse(
        respond(
          500,
          '{"error":{"message":"bad input","type":"comet_api_error","param":"","code":"invalid_request"}}',
        ),
      ),
    )
    expect(e.kind).toBe('invalid_request')
    expect(isRetryable(e)).toBe(false)
  })

  it('CometAPI style: quota errors are about money', () => {
    const e = thrown(() =>
      readTaskResponse(
        respond(
          403,
          '{"error":{"message":"user quota is not enough","type":"comet_api_error","code":"insufficient_user_quota"}}',
        ),
      ),
    )
    expect(e.kind).toBe('insufficient_credit')
  })
})

describe('error helpers', () => {
  it('classifies by status when no code is known', () => {
    expect(classifyFailure(404, null)).toBe('not_found')
    expect(classifyFailure(429, null)).toBe('rate_limited')
    expect(classifyFailure(502, null)).toBe('server')
    expect(classifyFailure(403, null)).toBe('authentication')
  })

  it('parses Retry-After in seconds and as a date', () => {
    expect(parseRetryAfter('2')).toBe(2000)
    expect(parseRetryAfter(null)).toBeNull()
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000)
    expect(parseRetryAfter('whenever')).toBeNull()
  })

  it('tells a connection that never opened from one that broke after sending', () => {
    const refused = networkError(
      new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      }),
      'x',
    )
    expect(refused.mayHaveReachedServer).toBe(false)
    const reset = networkError(
      new TypeError('fetch failed', {
        cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
      }),
      'x',
    )
    expect(reset.mayHaveReachedServer).toBe(true)
    expect(networkError(new Error('net::ERR_CONNECTION_REFUSED'), 'x').mayHaveReachedServer).toBe(
      false,
    )
  })
})
