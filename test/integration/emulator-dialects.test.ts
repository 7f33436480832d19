import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DIALECTS, type DialectName } from '../../src/main/kling/dialects'
import { KlingClient } from '../../src/main/kling/client'
import { KlingApiError } from '../../src/main/kling/errors'
import type { Emulator } from '../../src/main/emulator/server'
import type { KlingTask } from '../../src/shared/kling'
import { runIn, startEmulatorProcess, stopProcess } from '../fixtures/cli'
import { emulators } from '../fixtures/emulator'

// The real client against the emulator speaking each gateway dialect (src/main/kling/dialects.ts)
// over loopback: create, get, find, a lost create answer, refusals. Where a relay cannot look a
// task up by its external id (it files tasks under the ids it issued), the client must say so
// rather than report absence, and nothing is ever created twice.

const emulator = emulators()
const RELAYS: readonly DialectName[] = ['new-api', 'one-hub']

const client = (e: Emulator, key = 'sk-dialect') =>
  new KlingClient({
    baseUrl: e.url,
    apiKey: key,
    requestTimeoutMs: 2_000,
    queryAttempts: 1,
  })

const failure = async (p: Promise<unknown>): Promise<KlingApiError> => {
  const e = await p.then(
    () => new Error('expected a KlingApiError'),
    (x: unknown) => x,
  )
  if (e instanceof KlingApiError) return e
  throw e
}

const configure = (e: Emulator, body: unknown) =>
  fetch(`${e.url}/__emulator/config`, { method: 'POST', body: JSON.stringify(body) })

async function finished(c: KlingClient, id: string): Promise<KlingTask> {
  for (let i = 0; i < 400; i++) {
    const task = await c.videos.get('text2video', id)
    if (task.task_status === 'succeed' || task.task_status === 'failed') return task
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`task ${id} never finished`)
}

describe.each(DIALECTS)('the emulator in the %s dialect', (dialect) => {
  const relay = RELAYS.includes(dialect)

  it('create, get to the end, and find or say it cannot', async () => {
    const e = await emulator({ dialect, timeScale: 2000 })
    const c = client(e)
    const created = await c.videos.create('text2video', {
      prompt: `a lighthouse in the ${dialect} dialect`,
      external_task_id: `ks-${dialect}-1`,
    })
    expect(created.task_status).toBe('submitted')
    const done = await finished(c, created.task_id)
    expect(done).toMatchObject({ task_id: created.task_id, task_status: 'succeed' })
    expect(done.videos[0]!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/__emulator\/videos\//)

    const found = c.videos.find('text2video', `ks-${dialect}-1`)
    const absent = c.videos.find('text2video', `ks-${dialect}-nobody`)
    if (relay) {
      // Found or not, the relay says "task_not_exist" of an external id: no proof of anything.
      for (const e of [await failure(found), await failure(absent)])
        expect(e).toMatchObject({ kind: 'invalid_request', code: 'external_id_lookup_unsupported' })
    } else {
      expect((await found)?.task_id).toBe(created.task_id)
      expect(await absent).toBeNull()
    }
    // An unknown task id is "not found" in every dialect.
    expect((await failure(c.videos.get('text2video', '1'))).kind).toBe('not_found')
    expect(e.tasks()).toHaveLength(1)
  })

  it('a create whose answer is lost is looked up, never sent again', async () => {
    const e = await emulator({ dialect })
    const c = client(e)
    await configure(e, { faultRate: 1, faultKinds: ['reset_after_create'] })
    const lost = await failure(
      c.videos.create('text2video', {
        prompt: 'lost answer',
        external_task_id: `ks-${dialect}-lost`,
      }),
    )
    expect(lost).toMatchObject({ kind: 'network', mayHaveReachedServer: true })
    await configure(e, { faultRate: 0 })
    const lookup = c.videos.find('text2video', `ks-${dialect}-lost`)
    if (relay) {
      expect((await failure(lookup)).code).toBe('external_id_lookup_unsupported')
    } else {
      const task = await lookup
      expect(task?.task_id).toBe(e.tasks()[0]!.task_id)
    }
    // Whatever the dialect: one task, one create.
    expect(e.tasks().map((t) => [t.external_task_id, t.create_requests])).toEqual([
      [`ks-${dialect}-lost`, 1],
    ])
  })

  it('a wrong key is refused with a request id', async () => {
    const e = await emulator({ dialect, key: 'sk-right' })
    const err = await failure(client(e, 'sk-wrong').videos.create('text2video', { prompt: 'x' }))
    expect(err).toMatchObject({ kind: 'authentication', status: 401 })
    expect(err.requestId).toBeTruthy()
    expect(e.tasks()).toEqual([])
  })

  it('a 1303 is a definite "no" that creates nothing', async () => {
    const e = await emulator({ dialect, faultRate: 1, faultKinds: ['parallel_limit'] })
    const err = await failure(client(e).videos.create('text2video', { prompt: 'busy' }))
    expect(err.status).toBe(429)
    // Kling's code where it survives the gateway; a relay keeps only the status.
    expect(err.kind).toBe(relay ? 'rate_limited' : 'too_many_tasks')
    expect(e.tasks()).toEqual([])
    // A query meanwhile answers as usual.
    expect((await failure(client(e).videos.get('text2video', '1'))).kind).toBe('not_found')
  })

  it('a duplicate external id is refused as such', async () => {
    const e = await emulator({ dialect })
    const c = client(e)
    await c.videos.create('text2video', { prompt: 'first', external_task_id: `ks-${dialect}-dup` })
    const err = await failure(
      c.videos.create('text2video', { prompt: 'again', external_task_id: `ks-${dialect}-dup` }),
    )
    expect(err.status).toBe(400)
    expect(err.message).toMatch(/external_task_id/)
    expect(e.tasks()).toHaveLength(1)
  })
})

describe('relay routes', () => {
  it.each(RELAYS)('%s routes only text2video and image2video', async (dialect) => {
    const e = await emulator({ dialect })
    const err = await failure(
      client(e).videos.create('multi-image2video', {
        prompt: 'x',
        image_list: [{ image: 'https://a.example/1.png' }, { image: 'https://a.example/2.png' }],
      }),
    )
    expect(err.kind).toBe('unreadable_response')
    expect(e.tasks()).toEqual([])
  })
})

describe('kling-studio emulator --dialect', () => {
  it('answers in the dialect named, and refuses a name it does not know', async () => {
    const { url, child } = await startEmulatorProcess([
      '--time-scale',
      '600',
      '--dialect',
      'new-api',
    ])
    try {
      const res = await fetch(`${url}/kling/v1/videos/text2video`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-cli', 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'a new-api create' }),
      })
      expect(res.headers.get('x-oneapi-request-id')).toBeTruthy()
      expect(await res.json()).toMatchObject({ object: 'video', status: 'queued' })
    } finally {
      await stopProcess(child)
    }
    const home = await mkdtemp(join(tmpdir(), 'kling-dialect-cli-'))
    try {
      const wrong = await runIn(home, ['emulator', '--dialect', 'two-api'])
      expect(wrong.code).toBe(2)
      expect(wrong.stderr).toMatch(/--dialect must be one of kling, comet, new-api, one-hub/)
    } finally {
      await rm(home, { recursive: true, force: true })
    }
  })
})
