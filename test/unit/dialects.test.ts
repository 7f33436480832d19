import { describe, expect, it } from 'vitest'
import { KlingClient } from '../../src/main/kling/client'
import { KlingApiError } from '../../src/main/kling/errors'
import { readTaskResponse, type RawResponse } from '../../src/main/kling/parse'
import {
  EMULATOR_NO_SUCH_TASK,
  KLING_QUERY_FAILED_BODY,
  KLING_QUERY_PROCESSING,
  KLING_QUERY_SUCCESS_MESSAGE,
  LOOKALIKES,
  NEW_API_BAD_KEY,
  NEW_API_CREATE,
  NEW_API_NO_SUCH_TASK,
  NEW_API_QUERY_FAILED,
  NEW_API_QUERY_SUCCEED,
  NEW_API_SATURATED,
  NEW_API_UPSTREAM_REFUSAL,
  ONE_HUB_BAD_KEY,
  ONE_HUB_CREATE,
  ONE_HUB_NO_SUCH_TASK,
  ONE_HUB_QUERY_SUCCEED,
  type Answer,
} from '../fixtures/dialects'

// Every gateway dialect's published answers (test/fixtures/dialects.ts) through the real parser
// and the real client: each success yields its task, each "no such task" is absence only as far
// as it reaches, and nothing that merely looks like "not found" is ever taken for absence.

const raw = (a: Answer): RawResponse => {
  const h = new Headers(a.headers)
  return { status: a.status, text: a.body, headers: { get: (n) => h.get(n) } }
}

/** The real client, whose every request is answered with this one answer. */
const clientAnswering = (a: Answer) => {
  const paths: string[] = []
  const client = new KlingClient({
    baseUrl: 'https://gateway.example',
    apiKey: 'sk-test',
    queryAttempts: 1,
    fetch: async (url) => {
      paths.push(new URL(url).pathname)
      return new Response(a.body, { status: a.status, headers: a.headers })
    },
  })
  return { client, paths }
}

const thrown = async (p: Promise<unknown>): Promise<KlingApiError> => {
  const e = await p.then(
    () => new Error('expected a KlingApiError'),
    (x: unknown) => x,
  )
  if (e instanceof KlingApiError) return e
  throw e
}

describe('every dialect: a success yields the task', () => {
  it.each([
    [
      'Kling (CometAPI page), processing',
      KLING_QUERY_PROCESSING,
      '878106242831892487',
      'processing',
    ],
    [
      'Kling with message "success"',
      KLING_QUERY_SUCCESS_MESSAGE,
      '878106484537192522',
      'processing',
    ],
    ['one-hub create', ONE_HUB_CREATE, '866889456698785798', 'submitted'],
    ['one-hub query', ONE_HUB_QUERY_SUCCEED, '866889456698785798', 'succeed'],
  ] as const)('%s', (_name, answer, taskId, status) => {
    expect(readTaskResponse(raw(answer))).toMatchObject({ task_id: taskId, task_status: status })
  })

  it("Kling's failed task keeps its reason", () => {
    const task = readTaskResponse(raw({ status: 200, body: KLING_QUERY_FAILED_BODY }))
    expect(task).toMatchObject({
      task_status: 'failed',
      task_status_msg: 'Image pixel is invalid',
      request_id: 'ace7625a-3e18-49aa-abc4-*******',
    })
  })

  it("new-api's create: an OpenAI video object, its id the one to ask with", () => {
    const task = readTaskResponse(raw(NEW_API_CREATE))
    expect(task).toMatchObject({
      task_id: 'task_3xJ8kQ2mZp9vR4tL6wN1cY7bH5dF0gSa',
      task_status: 'submitted',
      videos: [],
      created_at: 1779883200000,
      // No request id in the body: the header new-api sets on every answer.
      request_id: '20260527120000123456789a1b2c3d4e5f6a7b8',
    })
  })

  it("new-api's query: Kling's task two levels down, under new-api's own id", () => {
    const task = readTaskResponse(raw(NEW_API_QUERY_SUCCEED))
    expect(task).toMatchObject({
      // The record's id (what new-api files it under), not Kling's 878106242831892487.
      task_id: 'task_3xJ8kQ2mZp9vR4tL6wN1cY7bH5dF0gSa',
      task_status: 'succeed',
      external_task_id: 'ks-0b7c2e1a',
      videos: [{ url: 'https://cdn.example/video.mp4?sig=1', duration: '5.1' }],
      final_unit_deduction: '1',
      created_at: 1777385361501,
    })
  })

  it("new-api's failed record: the reason from Kling's task", () => {
    expect(readTaskResponse(raw(NEW_API_QUERY_FAILED))).toMatchObject({
      task_id: 'task_Q8wE2rT5yU7iO9pA1sD3fG6hJ4kL0zXc',
      task_status: 'failed',
      task_status_msg: 'Image pixel is invalid',
    })
  })

  it('the client reads them too (get)', async () => {
    const { client, paths } = clientAnswering(NEW_API_QUERY_SUCCEED)
    const task = await client.videos.get('text2video', 'task_3xJ8kQ2mZp9vR4tL6wN1cY7bH5dF0gSa')
    expect(task.task_status).toBe('succeed')
    expect(paths).toEqual(['/kling/v1/videos/text2video/task_3xJ8kQ2mZp9vR4tL6wN1cY7bH5dF0gSa'])
  })
})

describe('every dialect: "no such task"', () => {
  it('where it covers external ids (Kling-style, as the emulator says it): find() is null', async () => {
    const { client } = clientAnswering(EMULATOR_NO_SUCH_TASK)
    expect(await client.videos.find('text2video', 'ks-nobody')).toBeNull()
    const e = await thrown(client.videos.get('text2video', '1'))
    expect(e.kind).toBe('not_found')
  })

  it.each([
    ['new-api (400 task_not_exist)', NEW_API_NO_SUCH_TASK, 400],
    ['one-hub / done-hub (404 task_not_exist)', ONE_HUB_NO_SUCH_TASK, 404],
  ] as const)(
    '%s: no task under that id, but no proof about an external id',
    async (_name, answer, status) => {
      // Asked by the relay's own id, it is a plain "not found".
      const got = await thrown(clientAnswering(answer).client.videos.get('text2video', 'task_x'))
      expect(got).toMatchObject({ kind: 'not_found', status, code: 'task_not_exist' })
      // The relay files tasks under the ids it issued: it says this of every external id, so
      // find() must not report absence (which would send the create again).
      const { client } = clientAnswering(answer)
      const e = await thrown(client.videos.find('text2video', 'ks-lost-answer'))
      expect(e.kind).not.toBe('not_found')
      expect(e.code).toBe('external_id_lookup_unsupported')
      expect(e.message).toMatch(/ks-lost-answer/)
    },
  )
})

describe('lookalikes: thrown, never absence', () => {
  it.each(Object.entries(LOOKALIKES))('%s', async (_name, answer) => {
    expect(() => readTaskResponse(raw(answer))).toThrow(KlingApiError)
    const e = await thrown(clientAnswering(answer).client.videos.find('text2video', 'ks-x'))
    expect(e.kind).not.toBe('not_found')
  })

  it('an answer about another task is not ours, and not absence either', async () => {
    const other: Answer = {
      status: 200,
      body: KLING_QUERY_PROCESSING.body.replace(
        '"task_info": {}',
        '"task_info": {"external_task_id": "ks-other"}',
      ),
    }
    const e = await thrown(clientAnswering(other).client.videos.find('text2video', 'ks-mine'))
    expect(e.kind).toBe('unreadable_response')
  })
})

describe('errors in every dialect keep what a person needs', () => {
  it.each([
    ['new-api', NEW_API_BAD_KEY, '2026052712000012345678a1b2c3d4e5f6a7b8', 'Invalid token'],
    ['one-hub', ONE_HUB_BAD_KEY, '20260220051153123456789', '无效的令牌'],
  ] as const)('%s: a wrong key, its request id out of the text', (_name, answer, id, message) => {
    let e: unknown
    try {
      readTaskResponse(raw(answer))
    } catch (x) {
      e = x
    }
    expect(e).toMatchObject({ kind: 'authentication', status: 401, requestId: id, message })
  })

  it("new-api: the upstream's own refusal, code and request id read from the message", () => {
    let e: unknown
    try {
      readTaskResponse(raw(NEW_API_UPSTREAM_REFUSAL))
    } catch (x) {
      e = x
    }
    expect(e).toMatchObject({
      kind: 'content_policy',
      status: 400,
      code: '1301',
      message: 'Failure to pass the risk control system',
      requestId: 'c0656403-1e6e-4b7e-b8f8-2cdd2595f2b9',
    })
  })

  it('new-api: a 429 (a 1303 upstream among them) is a definite "not now"', () => {
    let e: unknown
    try {
      readTaskResponse(raw(NEW_API_SATURATED))
    } catch (x) {
      e = x
    }
    expect(e).toMatchObject({ kind: 'rate_limited', status: 429, code: 'fail_to_fetch_task' })
  })
})
