import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Ledger, type InputRecord } from '../../src/main/tasks/ledger'
import { everyChunk } from '../../src/main/tasks/ledger-pages'

// The ledger's API for every endpoint: kinds, parents and addresses, the one writer `update`,
// lookups by any id, input images, and chunked walks for launch triage.

let dir: string
let ledger: Ledger
let now = 1_777_000_000_000

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-ledger-api-'))
  ledger = new Ledger(join(dir, 'history.db'), () => now)
})
afterEach(async () => {
  ledger.close()
  await rm(dir, { recursive: true, force: true })
})

const t2v = (externalTaskId: string, prompt = 'a heron') =>
  ledger.create({ request: { prompt }, externalTaskId })

describe('jobs of every kind', () => {
  it('keeps kind, parent and address; text-to-video with no parent by default', () => {
    const plain = t2v('ks-1')
    expect(plain).toMatchObject({ kind: 'text2video', parentJobId: null, baseUrl: null })
    const image = ledger.create({
      kind: 'image2video',
      request: { image: 'input:' + 'a'.repeat(64) + '.png' },
      externalTaskId: 'ks-2',
      baseUrl: 'https://api.cometapi.com',
    })
    expect(image).toMatchObject({ kind: 'image2video', baseUrl: 'https://api.cometapi.com' })
    expect(image.request).toEqual({ image: 'input:' + 'a'.repeat(64) + '.png' })
    const extension = ledger.create({
      kind: 'video-extend',
      request: { task_id: '111', video_id: '222', prompt: 'the heron lands' },
      externalTaskId: 'ks-3',
      parentJobId: plain.id,
    })
    expect(extension).toMatchObject({ kind: 'video-extend', parentJobId: plain.id })
    // A kind without a prompt is stored with an empty one: listed, never matched by a word.
    expect(ledger.list({ kind: 'image2video' }).jobs.map((j) => j.id)).toEqual([image.id])
    expect(ledger.list({ search: 'heron' }).jobs.map((j) => j.id)).toEqual([extension.id, plain.id])
    expect(ledger.list({ parentJobId: plain.id }).jobs.map((j) => j.id)).toEqual([extension.id])
  })

  it('lists the extensions of a job, oldest first', () => {
    const parent = t2v('ks-p')
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      now += 1000
      ids.push(
        ledger.create({
          kind: 'video-extend',
          request: { task_id: '1', video_id: '2' },
          externalTaskId: `ks-c${i}`,
          parentJobId: parent.id,
        }).id,
      )
    }
    expect(ledger.children(parent.id).map((j) => j.id)).toEqual(ids)
    expect(ledger.children(ids[0]!)).toEqual([])
  })

  it('records the address a create was sent to, as a change', () => {
    const job = t2v('ks-a')
    const sent = ledger.setBaseUrl(job.id, 'https://api.example')
    expect(sent.baseUrl).toBe('https://api.example')
    expect(sent.revision).toBeGreaterThan(job.revision)
    expect(() => ledger.setBaseUrl('nobody', 'https://x')).toThrow(/no job/)
  })

  it('finds a job by its id, its task id or its external task id', () => {
    const job = t2v('ks-find')
    ledger.update(job.id, { state: 'submitted', taskId: '880000000000000001' })
    expect(ledger.resolve(job.id)?.id).toBe(job.id)
    expect(ledger.resolve('880000000000000001')?.id).toBe(job.id)
    expect(ledger.resolve('ks-find')?.id).toBe(job.id)
    expect(ledger.resolve('ks-nothing')).toBeNull()
  })

  it('rebuilds a finished job of any kind from its sidecar', () => {
    const parent = t2v('ks-parent')
    const added = ledger.importSaved({
      id: 'rebuilt-1',
      kind: 'video-extend',
      parentJobId: parent.id,
      externalTaskId: 'ks-rebuilt',
      taskId: '42',
      request: { task_id: '41', video_id: 'v41' },
      sandbox: false,
      favourite: true,
      createdAt: now - 86_400_000,
      submittedAt: now - 86_000_000,
      finishedAt: now - 85_000_000,
      units: '1',
      video: { id: 'v42', url: 'https://x/42.mp4', duration: '4.9' },
      file: '/lib/42.mp4',
      bytes: 42,
    })
    expect(added).toBe(true)
    expect(ledger.get('rebuilt-1')).toMatchObject({
      kind: 'video-extend',
      parentJobId: parent.id,
      state: 'done',
      favourite: true,
      createdAt: now - 86_400_000,
      file: '/lib/42.mp4',
    })
    expect(ledger.children(parent.id).map((j) => j.id)).toEqual(['rebuilt-1'])
    // Older than the parent: listed after it, newest first.
    expect(ledger.list().jobs.map((j) => j.id)).toEqual([parent.id, 'rebuilt-1'])
  })
})

describe('update: the one writer', () => {
  it('sets what the patch names, clears what it nulls, and leaves the rest', () => {
    const job = t2v('ks-u')
    now += 5
    const next = ledger.update(
      job.id,
      {
        state: 'downloading',
        taskId: '9',
        taskStatus: 'succeed',
        statusMessage: 'ok',
        submittedAt: 10,
        finishedAt: 20,
        units: '3',
        error: { kind: 'server', status: 500, code: null, message: 'flaky', request_id: 'r' },
        video: { id: 'v', url: 'https://x/v.mp4', duration: '5' },
        requestId: 'req',
      },
      { state: 'downloading', taskStatus: 'succeed', message: 'ok' },
    )
    expect(next).toMatchObject({
      state: 'downloading',
      taskId: '9',
      taskStatus: 'succeed',
      statusMessage: 'ok',
      submittedAt: 10,
      finishedAt: 20,
      units: '3',
      requestId: 'req',
      video: { id: 'v', url: 'https://x/v.mp4', duration: '5' },
      updatedAt: now,
      revision: job.revision + 1,
      request: job.request,
      createdAt: job.createdAt,
    })
    expect(next.error?.message).toBe('flaky')
    const saved = ledger.update(job.id, { file: '/lib/v.mp4', bytes: 7, error: null })
    expect(saved).toMatchObject({ saved: true, file: '/lib/v.mp4', bytes: 7, error: null })
    expect(saved.video).toEqual(next.video)
    const cleared = ledger.update(job.id, { video: null, file: null, bytes: null })
    expect(cleared).toMatchObject({ video: null, saved: false, bytes: null, taskId: '9' })
    expect(ledger.history(job.id).map((h) => [h.state, h.taskStatus, h.message])).toEqual([
      ['queued', null, ''],
      ['downloading', 'succeed', 'ok'],
    ])
  })

  it('writes nothing for an empty patch, and refuses an unknown job', () => {
    const job = t2v('ks-e')
    expect(ledger.update(job.id, {})).toEqual(job)
    expect(ledger.revision()).toBe(job.revision)
    const withEvent = ledger.update(
      job.id,
      {},
      { state: 'queued', taskStatus: null, message: 'note' },
    )
    expect(withEvent.revision).toBe(job.revision + 1)
    expect(ledger.history(job.id).at(-1)?.message).toBe('note')
    expect(() => ledger.update('nobody', { state: 'failed' })).toThrow(/no job/)
    expect(ledger.revision()).toBe(job.revision + 1)
  })

  it('keeps the older writers working on top of it', () => {
    const job = t2v('ks-old')
    ledger.setState(job.id, 'failed', {
      message: 'refused',
      error: {
        kind: 'invalid_request',
        status: 400,
        code: null,
        message: 'refused',
        request_id: null,
      },
    })
    const failed = ledger.get(job.id)!
    expect(failed).toMatchObject({ state: 'failed', statusMessage: 'refused', finishedAt: now })
    now += 1000
    // Finished once: a later move keeps the first finish time, and clears the error.
    expect(ledger.setState(job.id, 'expired')).toMatchObject({
      finishedAt: failed.finishedAt,
      error: null,
    })
    expect(ledger.setFavourite(job.id, true).favourite).toBe(true)
    expect(ledger.setSaved(job.id, '/lib/x.mp4', 9)).toMatchObject({ state: 'done', bytes: 9 })
    expect(ledger.clearFile(job.id)).toMatchObject({ saved: false, file: null, bytes: null })
    ledger.remove(job.id)
    expect(ledger.get(job.id)).toBeNull()
    expect(ledger.history(job.id)).toEqual([])
  })
})

describe('input images', () => {
  const meta = (over: Partial<InputRecord> = {}): InputRecord => ({
    sha256: 'b'.repeat(64),
    ext: 'png',
    bytes: 1234,
    width: 640,
    height: 480,
    file: '/lib/Inputs/b.png',
    source: 'file',
    origin: '/home/me/heron.png',
    addedAt: now,
    ...over,
  })

  it('keeps one row per picture: the first provenance, the latest copy', () => {
    expect(ledger.input('b'.repeat(64))).toBeNull()
    expect(ledger.addInput(meta())).toEqual(meta())
    const again = ledger.addInput(
      meta({
        file: '/new-lib/Inputs/b.png',
        source: 'url',
        origin: 'https://x/b.png',
        addedAt: now + 1,
      }),
    )
    expect(again).toEqual(meta({ file: '/new-lib/Inputs/b.png' }))
    expect(ledger.input('b'.repeat(64))).toEqual(again)
    const frame = meta({ sha256: 'c'.repeat(64), source: 'frame', origin: 'job-1@2.5' })
    expect(ledger.addInput(frame)).toEqual(frame)
  })
})

describe('walking the history in chunks', () => {
  it('visits every saved and every unsaved job once, oldest first, while they change', () => {
    const saved: string[] = []
    const unsaved: string[] = []
    for (let i = 0; i < 23; i++) {
      now += 1000
      const job = t2v(`ks-w${i}`)
      ledger.update(job.id, { state: 'downloading', taskStatus: 'succeed' })
      if (i % 3 === 0) unsaved.push(job.id)
      else {
        ledger.setSaved(job.id, `/lib/${i}.mp4`, i)
        saved.push(job.id)
      }
    }
    ledger.setState(unsaved[1]!, 'expired')
    const walked: string[] = []
    let after: number | null = null
    do {
      const chunk = ledger.savedPage(after, 4)
      expect(chunk.jobs.length).toBeLessThanOrEqual(4)
      // Triage clears files as it goes: the walk goes on regardless.
      for (const job of chunk.jobs) {
        walked.push(job.id)
        ledger.clearFile(job.id)
      }
      after = chunk.next
    } while (after !== null)
    expect(walked).toEqual(saved)
    expect(everyChunk((after) => ledger.savedPage(after))).toEqual([])
    const expected = [...unsaved.filter((id) => id !== unsaved[1]), ...saved]
    const rest = everyChunk((after) => ledger.unsavedPage(after)).map((j) => j.id)
    expect(rest.sort()).toEqual(expected.sort())
    expect(ledger.unsavedPage(null, 5).jobs).toHaveLength(5)
  })

  it('keeps rowid following the creation time, also past a thousand jobs in a millisecond', () => {
    for (let i = 0; i < 1003; i++) t2v(`ks-ms${i}`)
    const raw = ledger.db
      .prepare(
        'SELECT count(*) AS n, max(created_at) - min(created_at) AS span FROM jobs WHERE rowid / 1000 = created_at',
      )
      .get() as { n: number; span: number }
    expect(raw).toEqual({ n: 1003, span: 1 })
    expect(ledger.list({ limit: 1 }).jobs[0]!.externalTaskId).toBe('ks-ms1002')
    expect(() =>
      ledger.db
        .prepare(
          "INSERT INTO jobs (id, external_task_id, state, request_json, prompt, created_at, updated_at, revision) VALUES ('x', 'x', 'queued', '{}', '', 5, 5, 1)",
        )
        .run(),
    ).toThrow(/rowid must be/)
  })

  it('lists live jobs oldest first', () => {
    const a = t2v('ks-l1')
    now += 1
    const b = t2v('ks-l2')
    now += 1
    const c = t2v('ks-l3')
    ledger.setState(b.id, 'done')
    ledger.setState(a.id, 'processing')
    expect(ledger.live().map((j) => j.id)).toEqual([a.id, c.id])
  })
})

describe('takes and cancel', () => {
  it('writes the takes of one Generate together, sharing their group, or none of them', () => {
    const takes = ledger.createAll(
      ['ks-g-1', 'ks-g-2', 'ks-g-3'].map((externalTaskId) => ({
        request: { prompt: 'a heron in takes' },
        externalTaskId,
        groupId: 'group-1',
      })),
    )
    expect(takes.map((j) => [j.externalTaskId, j.groupId, j.state])).toEqual([
      ['ks-g-1', 'group-1', 'queued'],
      ['ks-g-2', 'group-1', 'queued'],
      ['ks-g-3', 'group-1', 'queued'],
    ])
    expect(ledger.get(takes[1]!.id)!.groupId).toBe('group-1')
    expect(t2v('ks-single').groupId).toBeNull()
    // A clash in the middle (another process took the id first): nothing of the Generate stays.
    const revision = ledger.revision()
    expect(() =>
      ledger.createAll(
        ['ks-h-1', 'ks-g-2', 'ks-h-3'].map((externalTaskId) => ({
          request: { prompt: 'a clash' },
          externalTaskId,
          groupId: 'group-2',
        })),
      ),
    ).toThrow(/UNIQUE/)
    expect(ledger.revision()).toBe(revision)
    expect(ledger.byExternalId('ks-h-1')).toBeNull()
    expect(ledger.list().total).toBe(4)
    expect(ledger.list({ search: 'clash' }).total).toBe(0)
  })

  it('keeps a group rebuilt from a sidecar', () => {
    ledger.importSaved({
      id: 'rebuilt-take',
      groupId: 'group-9',
      externalTaskId: 'ks-take-2',
      taskId: '7',
      request: { prompt: 'p' },
      sandbox: false,
      favourite: false,
      createdAt: now,
      submittedAt: now,
      finishedAt: now,
      units: null,
      video: { id: 'v7', url: 'https://x/7.mp4', duration: '5' },
      file: '/lib/7.mp4',
      bytes: 7,
    })
    expect(ledger.get('rebuilt-take')!.groupId).toBe('group-9')
  })

  it('removes a queued job with its events and its counts; refuses one a step has claimed', () => {
    const waiting = t2v('ks-wait', 'a waiting egret')
    const claimed = t2v('ks-claimed', 'a claimed egret')
    ledger.update(claimed.id, { state: 'creating', baseUrl: 'https://kling.test' })
    const revision = ledger.revision()
    expect(ledger.removeQueued(waiting.id)).toEqual({ removed: true })
    expect(ledger.revision()).toBe(revision + 1)
    expect(ledger.get(waiting.id)).toBeNull()
    expect(ledger.history(waiting.id)).toEqual([])
    expect(ledger.list().total).toBe(1)
    expect(ledger.list({ states: ['queued'] }).total).toBe(0)
    expect(ledger.list({ search: 'egret' }).jobs.map((j) => j.id)).toEqual([claimed.id])

    const before = ledger.get(claimed.id)!
    expect(ledger.removeQueued(claimed.id)).toEqual({ removed: false, job: before })
    expect(ledger.revision()).toBe(revision + 1)
    expect(ledger.removeQueued(waiting.id)).toEqual({ removed: false, job: null })
  })
})
