import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import type { Emulator, FaultKind } from '../../src/main/emulator/server'

import { AUTH, emulators } from '../fixtures/emulator'

// The emulator over plain HTTP, as curl would see it: no client code of ours in between.

const emulator = emulators()
const DOC_BODY = JSON.stringify({ prompt: 'A happy scene of a vacation on the beach.' })

interface Envelope {
  code: number
  message: string
  request_id: string
  data: Record<string, unknown> & { task_id: string; task_status: string }
}

const post = (e: Emulator, body: string, headers: Record<string, string> = AUTH) =>
  fetch(`${e.url}/kling/v1/videos/text2video`, { method: 'POST', headers, body })
const get = (e: Emulator, id: string, headers: Record<string, string> = AUTH) =>
  fetch(`${e.url}/kling/v1/videos/text2video/${id}`, { headers })

async function until(e: Emulator, id: string, statuses: string[]): Promise<Envelope> {
  for (let i = 0; i < 400; i++) {
    const body = (await (await get(e, id)).json()) as Envelope
    if (statuses.includes(body.data.task_status)) return body
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`task ${id} never reached ${statuses.join('/')}`)
}

describe('emulator: the documented flow', () => {
  it('answers the documented curl request with the documented envelope', async () => {
    const e = await emulator()
    const res = await post(e, DOC_BODY)
    expect(res.status).toBe(200)
    const body = (await res.json()) as Envelope
    expect(body.code).toBe(0)
    expect(typeof body.message).toBe('string')
    expect(body.request_id).toMatch(/^[0-9a-f-]{36}$/)
    expect(res.headers.get('x-request-id')).toBe(body.request_id)
    expect(typeof body.data.task_id).toBe('string')
    expect(BigInt(body.data.task_id)).toBeGreaterThan(2n ** 53n)
    expect(body.data.task_status).toBe('submitted')
    expect(body.data.created_at).toBeGreaterThan(1e12)
    expect(body.data.updated_at).toBeGreaterThan(1e12)
  })

  it('follows the task through processing to a playable MP4 by plain HTTP', async () => {
    const e = await emulator()
    const { data } = (await (await post(e, DOC_BODY)).json()) as Envelope
    const processing = await until(e, data.task_id, ['processing', 'succeed'])
    expect(processing.data.task_result).toEqual(
      processing.data.task_status === 'succeed' ? expect.anything() : {},
    )
    const done = await until(e, data.task_id, ['succeed'])
    const result = done.data.task_result as {
      videos: { id: string; url: string; duration: string }[]
    }
    expect(result.videos).toHaveLength(1)
    expect(result.videos[0]!.duration).toBe('5')
    expect(done.data.final_unit_deduction).toBe('1')
    expect(done.data.updated_at).toBeGreaterThanOrEqual(done.data.created_at as number)

    const video = await fetch(result.videos[0]!.url)
    expect(video.status).toBe(200)
    expect(video.headers.get('content-type')).toBe('video/mp4')
    expect(video.headers.get('accept-ranges')).toBe('bytes')
    const bytes = Buffer.from(await video.arrayBuffer())
    expect(bytes.length).toBe(Number(video.headers.get('content-length')))
    expect(bytes.toString('latin1', 4, 8)).toBe('ftyp')

    const part = await fetch(result.videos[0]!.url, { headers: { range: 'bytes=100-199' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`)
    expect(Buffer.compare(Buffer.from(await part.arrayBuffer()), bytes.subarray(100, 200))).toBe(0)

    const beyond = await fetch(result.videos[0]!.url, {
      headers: { range: `bytes=${bytes.length}-` },
    })
    expect(beyond.status).toBe(416)
    expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`)

    const head = await fetch(result.videos[0]!.url, { method: 'HEAD' })
    expect(head.headers.get('content-length')).toBe(String(bytes.length))
  })

  it('serves the sample of the requested shape and duration', async () => {
    const e = await emulator()
    const { data } = (await (
      await post(
        e,
        JSON.stringify({ prompt: 'tall', aspect_ratio: '9:16', duration: '10', mode: 'pro' }),
      )
    ).json()) as Envelope
    const done = await until(e, data.task_id, ['succeed'])
    // The shared unit table: kling-v1 (the default), pro, 10 s.
    expect(done.data.final_unit_deduction).toBe('7')
    const { videos } = done.data.task_result as { videos: { url: string; duration: string }[] }
    expect(videos[0]!.duration).toBe('10')
    const dir = await mkdtemp(join(tmpdir(), 'emu-'))
    try {
      const file = join(dir, 'v.mp4')
      await writeFile(file, Buffer.from(await (await fetch(videos[0]!.url)).arrayBuffer()))
      const { stdout } = await promisify(execFile)('ffprobe', [
        '-v',
        'error',
        '-show_entries',
        'stream=width,height:format=duration',
        '-of',
        'json',
        file,
      ])
      const info = JSON.parse(stdout) as {
        streams: { width: number; height: number }[]
        format: { duration: string }
      }
      expect(info.streams[0]!.width * 16).toBe(info.streams[0]!.height * 9)
      expect(Number(info.format.duration)).toBeCloseTo(10, 0)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('finds a task by external_task_id in the query path', async () => {
    const e = await emulator()
    const { data } = (await (
      await post(e, JSON.stringify({ prompt: 'x', external_task_id: 'ks-abc' }))
    ).json()) as Envelope
    expect(data.task_info).toEqual({ external_task_id: 'ks-abc' })
    const byExternal = (await (await get(e, 'ks-abc')).json()) as Envelope
    expect(byExternal.data.task_id).toBe(data.task_id)
    const missing = await get(e, 'ks-nobody')
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as { code: number }).code).toBe(1202)
  })

  it('ends a [fail] prompt as failed with a content-policy message', async () => {
    const e = await emulator()
    const { data } = (await (
      await post(e, JSON.stringify({ prompt: 'please [fail] now' }))
    ).json()) as Envelope
    const done = await until(e, data.task_id, ['failed', 'succeed'])
    expect(done.data.task_status).toBe('failed')
    expect(done.data.task_status_msg).toMatch(/risk control|content policy/)
    expect(done.data.task_result).toEqual({})
  })
})

describe('emulator: refusals', () => {
  it('requires a Bearer key, and only the given one with --key', async () => {
    const open = await emulator()
    expect((await post(open, DOC_BODY, { 'content-type': 'application/json' })).status).toBe(401)
    expect((await post(open, DOC_BODY, { ...AUTH, authorization: 'Bearer ' })).status).toBe(401)
    expect((await post(open, DOC_BODY, { ...AUTH, authorization: 'Bearer anything' })).status).toBe(
      200,
    )
    const keyed = await emulator({ key: 'sk-right' })
    const wrong = await post(keyed, DOC_BODY, { ...AUTH, authorization: 'Bearer sk-wrong' })
    expect(wrong.status).toBe(401)
    const body = (await wrong.json()) as { code: number; request_id: string }
    expect(body.code).toBeGreaterThanOrEqual(1000)
    expect(body.code).toBeLessThanOrEqual(1004)
    expect(body.request_id).toBeTruthy()
    expect(
      (await post(keyed, DOC_BODY, { ...AUTH, authorization: 'Bearer sk-right' })).status,
    ).toBe(200)
  })

  it('validates like the app: 400/1201 naming the field', async () => {
    const e = await emulator()
    const res = await post(e, JSON.stringify({ prompt: 'x', aspect_ratio: '5:4', cfg_scale: 3 }))
    expect(res.status).toBe(400)
    const body = (await res.json()) as { code: number; message: string }
    expect(body.code).toBe(1201)
    expect(body.message).toMatch(/aspect_ratio/)
    expect(body.message).toMatch(/cfg_scale/)
    const notJson = await post(e, '{prompt:')
    expect(notJson.status).toBe(400)
    expect(((await notJson.json()) as { code: number }).code).toBe(1200)
    expect(await e.tasks()).toEqual([])
  })

  it('refuses a duplicate external_task_id with 400/1201 and counts the attempt', async () => {
    const e = await emulator()
    const body = JSON.stringify({ prompt: 'x', external_task_id: 'ks-dup' })
    expect((await post(e, body)).status).toBe(200)
    const again = await post(e, body)
    expect(again.status).toBe(400)
    const err = (await again.json()) as { code: number; message: string }
    expect(err.code).toBe(1201)
    expect(err.message).toMatch(/external_task_id already exists/)
    const tasks = e.tasks()
    expect(tasks).toHaveLength(1)
    expect(tasks[0]!.create_requests).toBe(2)
  })

  it('answers a wrong path with an HTML page and a wrong method with 1202', async () => {
    const e = await emulator()
    const wrong = await fetch(`${e.url}/v1/videos/text2video`, {
      method: 'POST',
      headers: AUTH,
      body: DOC_BODY,
    })
    expect(wrong.status).toBe(404)
    expect(wrong.headers.get('content-type')).toMatch(/html/)
    const method = await fetch(`${e.url}/kling/v1/videos/text2video`, { headers: AUTH })
    expect(((await method.json()) as { code: number }).code).toBe(1202)
  })

  it('refuses bodies over 1 MB with 413', async () => {
    const e = await emulator()
    const res = await post(e, JSON.stringify({ prompt: 'x'.repeat(1_100_000) }))
    expect(res.status).toBe(413)
  })

  it('speaks the CometAPI error envelope when asked', async () => {
    const e = await emulator({ errorStyle: 'comet' })
    const res = await post(e, JSON.stringify({ prompt: '' }))
    const body = (await res.json()) as {
      error: { message: string; type: string; code: string; param: string }
    }
    expect(res.status).toBe(400)
    expect(body.error.type).toBe('comet_api_error')
    expect(body.error.code).toBe('1201')
    expect(body.error.message).toMatch(/\(request id: [0-9a-f-]{36}\)$/)
  })
})

describe('emulator: callbacks and inspection', () => {
  it('POSTs the bare task object to callback_url on every status change', async () => {
    const received: Record<string, unknown>[] = []
    const hook = createServer((req, res) => {
      let text = ''
      req.on('data', (c: Buffer) => (text += c.toString()))
      req.on('end', () => {
        received.push(JSON.parse(text) as Record<string, unknown>)
        res.end('ok')
      })
    })
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r))
    const { port } = hook.address() as { port: number }
    try {
      const e = await emulator()
      const { data } = (await (
        await post(
          e,
          JSON.stringify({ prompt: 'call me', callback_url: `http://127.0.0.1:${port}/cb` }),
        )
      ).json()) as Envelope
      for (let i = 0; i < 300 && received.length < 2; i++)
        await new Promise((r) => setTimeout(r, 10))
      expect(received.map((b) => b.task_status)).toEqual(['processing', 'succeed'])
      expect(received.every((b) => b.task_id === data.task_id && !('code' in b))).toBe(true)
      for (let i = 0; i < 100 && e.tasks()[0]!.callback_deliveries < 2; i++)
        await new Promise((r) => setTimeout(r, 10))
      expect(e.tasks()[0]!.callback_deliveries).toBe(2)
    } finally {
      hook.close()
    }
  })

  it('lists tasks with their create and query counts', async () => {
    const e = await emulator()
    const { data } = (await (
      await post(e, JSON.stringify({ prompt: 'count me', external_task_id: 'ks-count' }))
    ).json()) as Envelope
    await get(e, data.task_id)
    await get(e, 'ks-count')
    const list = (await (await fetch(`${e.url}/__emulator/tasks`)).json()) as Record<
      string,
      unknown
    >[]
    expect(list).toEqual([
      expect.objectContaining({
        task_id: data.task_id,
        external_task_id: 'ks-count',
        create_requests: 1,
        query_requests: 2,
        request: { prompt: 'count me', external_task_id: 'ks-count' },
      }),
    ])
  })
})

describe('emulator: seeded faults', () => {
  /** A raw request that reports a dropped connection instead of throwing. */
  const raw = (e: Emulator, method: string, path: string, body?: string) =>
    new Promise<{ status: number; headers: Record<string, unknown>; text: string } | 'reset'>(
      (resolve) => {
        const req = request(`${e.url}${path}`, { method, headers: AUTH }, (res) => {
          let text = ''
          res.on('data', (c: Buffer) => (text += c.toString()))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }))
          res.on('error', () => resolve('reset'))
        })
        req.on('error', () => resolve('reset'))
        req.end(body)
      },
    )

  const cases: [FaultKind, number | 'reset', boolean][] = [
    ['rate_limit', 429, false],
    ['server_500', 500, false],
    ['server_503', 503, false],
    ['server_504', 504, false],
    ['reset_before_create', 'reset', false],
    ['reset_after_create', 'reset', true],
    ['malformed', 200, true],
    ['slow', 200, true],
  ]
  it.each(cases)('%s on a create: answer %s, task created: %s', async (kind, expected, created) => {
    const e = await emulator({ faultRate: 1, faultKinds: [kind], slowMs: 150 })
    const started = Date.now()
    const answer = await raw(e, 'POST', '/kling/v1/videos/text2video', DOC_BODY)
    if (expected === 'reset') expect(answer).toBe('reset')
    else {
      expect(answer).not.toBe('reset')
      const a = answer as { status: number; headers: Record<string, unknown>; text: string }
      expect(a.status).toBe(expected)
      if (kind === 'rate_limit') expect(a.headers['retry-after']).toBe('1')
      if (kind === 'malformed') expect(() => JSON.parse(a.text) as unknown).toThrow()
      if (kind === 'slow') expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    }
    expect(e.tasks()).toHaveLength(created ? 1 : 0)
  })

  it('is reproducible for a seed, and hits about the requested share', async () => {
    const outcomes = async (seed: number) => {
      const e = await emulator({ faultRate: 0.3, seed, faultKinds: ['server_500', 'rate_limit'] })
      const codes: number[] = []
      for (let i = 0; i < 60; i++)
        codes.push((await post(e, JSON.stringify({ prompt: `p${i}` }))).status)
      return codes
    }
    const a = await outcomes(9)
    expect(await outcomes(9)).toEqual(a)
    const faulty = a.filter((c) => c !== 200).length
    expect(faulty).toBeGreaterThan(6)
    expect(faulty).toBeLessThan(36)
  })

  it('cuts video downloads short when download faults are on', async () => {
    const e = await emulator({ downloadFaultRate: 1 })
    const { data } = (await (await post(e, DOC_BODY)).json()) as Envelope
    const done = await until(e, data.task_id, ['succeed'])
    const { videos } = done.data.task_result as { videos: { url: string }[] }
    const path = new URL(videos[0]!.url).pathname
    expect(await raw(e, 'GET', path)).toBe('reset')
  })
})
