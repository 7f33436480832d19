import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { KlingTask } from '../../src/shared/kling'
import { ftsQuery, Ledger } from '../../src/main/tasks/ledger'
import { SCHEMA_VERSION } from '../../src/main/tasks/migrations'

let dir: string
let ledger: Ledger
let now = 1_777_000_000_000

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-ledger-'))
  ledger = new Ledger(join(dir, 'history.db'), () => now)
})
afterEach(async () => {
  ledger.close()
  await rm(dir, { recursive: true, force: true })
})

const task = (over: Partial<KlingTask> = {}): KlingTask => ({
  task_id: '878106242831892487',
  task_status: 'submitted',
  task_status_msg: '',
  external_task_id: null,
  videos: [],
  created_at: now,
  updated_at: now,
  final_unit_deduction: null,
  request_id: 'req-1',
  ...over,
})

describe('Ledger', () => {
  it('writes a job as queued before anything else, and records each change', () => {
    const job = ledger.create({
      request: { prompt: 'a quiet harbour', mode: 'pro' },
      externalTaskId: 'ks-1',
    })
    expect(job).toMatchObject({
      state: 'queued',
      taskId: null,
      externalTaskId: 'ks-1',
      sandbox: false,
      saved: false,
    })
    ledger.setState(job.id, 'creating')
    now += 1000
    ledger.applyTask(job.id, task())
    now += 60_000
    ledger.applyTask(job.id, task({ task_status: 'processing' }))
    now += 60_000
    const done = ledger.applyTask(
      job.id,
      task({
        task_status: 'succeed',
        videos: [{ id: 'v1', url: 'https://x/v.mp4', duration: '5.1' }],
        final_unit_deduction: '2',
        updated_at: now,
        request_id: 'req-9',
      }),
    )!
    expect(done).toMatchObject({
      state: 'downloading',
      taskStatus: 'succeed',
      units: '2',
      requestId: 'req-9',
    })
    expect(done.video).toEqual({ id: 'v1', url: 'https://x/v.mp4', duration: '5.1' })
    const saved = ledger.setSaved(job.id, '/lib/a.mp4', 1234)
    expect(saved).toMatchObject({ state: 'done', saved: true, file: '/lib/a.mp4', bytes: 1234 })
    expect(ledger.history(job.id).map((h) => h.state)).toEqual([
      'queued',
      'creating',
      'submitted',
      'processing',
      'downloading',
      'done',
    ])
  })

  it('skips a poll that learnt nothing: no write, no event, no new revision', () => {
    const job = ledger.create({ request: { prompt: 'x' }, externalTaskId: 'ks-2' })
    ledger.applyTask(job.id, task())
    const revision = ledger.revision()
    expect(ledger.applyTask(job.id, task({ request_id: 'another' }))).toBeNull()
    expect(ledger.revision()).toBe(revision)
  })

  it('gives every change a strictly greater revision, across connections', () => {
    const a = ledger.create({ request: { prompt: 'a' }, externalTaskId: 'ks-a' })
    const other = new Ledger(join(dir, 'history.db'))
    try {
      const b = other.create({ request: { prompt: 'b' }, externalTaskId: 'ks-b' })
      const a2 = ledger.setState(a.id, 'creating')
      expect(b.revision).toBeGreaterThan(a.revision)
      expect(a2.revision).toBeGreaterThan(b.revision)
    } finally {
      other.close()
    }
  })

  it('refuses a second job with the same external id', () => {
    ledger.create({ request: { prompt: 'a' }, externalTaskId: 'ks-same' })
    expect(() => ledger.create({ request: { prompt: 'b' }, externalTaskId: 'ks-same' })).toThrow(
      /UNIQUE/,
    )
  })

  it('searches prompts with prefixes, every word, any case and accents', () => {
    ledger.create({
      request: { prompt: 'A happy scene of a vacation on the beach.' },
      externalTaskId: 'ks-s1',
    })
    ledger.create({
      request: { prompt: 'Pemandangan pantai saat matahari terbenam' },
      externalTaskId: 'ks-s2',
    })
    ledger.create({
      request: { prompt: 'Café au lait, slow motion', negative_prompt: 'blurry' },
      externalTaskId: 'ks-s3',
    })
    const search = (q: string) => ledger.list({ search: q }).jobs.map((j) => j.externalTaskId)
    expect(search('beach')).toEqual(['ks-s1'])
    expect(search('vaca')).toEqual(['ks-s1'])
    expect(search('HAPPY beach')).toEqual(['ks-s1'])
    expect(search('happy pantai')).toEqual([])
    expect(search('pantai')).toEqual(['ks-s2'])
    expect(search('cafe')).toEqual(['ks-s3'])
    expect(search('blurry')).toEqual(['ks-s3'])
    expect(search('"; DROP TABLE jobs; --')).toEqual([])
    expect(search('***')).toEqual([])
    expect(ledger.list().total).toBe(3)
  })

  it('filters and pages, newest first', () => {
    for (let i = 0; i < 30; i++) {
      now += 1000
      const job = ledger.create({
        request: {
          prompt: `shot ${i}`,
          aspect_ratio: i % 2 ? '9:16' : '16:9',
          model_name: i % 3 ? 'kling-v1' : 'kling-v2-master',
        },
        externalTaskId: `ks-p${i}`,
        sandbox: i % 5 === 0,
      })
      if (i % 4 === 0) ledger.setFavourite(job.id, true)
    }
    const page = ledger.list({ limit: 10, offset: 5 })
    expect(page.total).toBe(30)
    expect(page.jobs.map((j) => j.request.prompt)).toEqual(
      Array.from({ length: 10 }, (_, k) => `shot ${24 - k}`),
    )
    expect(ledger.list({ aspectRatio: '9:16' }).total).toBe(15)
    expect(ledger.list({ model: 'kling-v2-master' }).total).toBe(10)
    expect(ledger.list({ favourite: true }).total).toBe(8)
    expect(ledger.list({ sandbox: true }).total).toBe(6)
    expect(ledger.list({ states: ['queued'], sandbox: false }).total).toBe(24)
  })

  it('learns durations only from finished real tasks of the same kind', () => {
    const finish = (prompt: string, seconds: number, request = {}) => {
      const job = ledger.create({ request: { prompt, ...request }, externalTaskId: `ks-${prompt}` })
      ledger.applyTask(job.id, task({ task_id: prompt, created_at: now }))
      ledger.applyTask(
        job.id,
        task({
          task_id: prompt,
          task_status: 'succeed',
          videos: [{ id: 'v', url: 'https://x/v.mp4', duration: '5' }],
          created_at: now,
          updated_at: now + seconds * 1000,
        }),
      )
    }
    finish('d1', 120)
    finish('d2', 200)
    finish('d3', 300, { mode: 'pro' })
    expect(ledger.durations('text2video', { prompt: 'any' }).sort()).toEqual([120, 200])
    expect(ledger.durations('text2video', { prompt: 'any', mode: 'pro' })).toEqual([300])
    // Per kind: an image-to-video task of the same options is another kind of wait.
    const other = ledger.create({
      kind: 'image2video',
      request: { image: 'https://x/i.png' },
      externalTaskId: 'ks-i2v',
    })
    ledger.applyTask(other.id, task({ task_id: 'i2v', created_at: now }))
    ledger.applyTask(
      other.id,
      task({
        task_id: 'i2v',
        task_status: 'succeed',
        videos: [{ id: 'v', url: 'https://x/v.mp4', duration: '5' }],
        created_at: now,
        updated_at: now + 50_000,
      }),
    )
    expect(ledger.durations('image2video', { image: 'https://x/j.png' })).toEqual([50])
    expect(ledger.durations('text2video', { prompt: 'any' }).sort()).toEqual([120, 200])
    expect(ledger.durations('video-extend', { task_id: '1', video_id: '2' })).toEqual([])
  })

  it('migrates to the current schema and refuses a newer one', () => {
    const raw = new DatabaseSync(join(dir, 'history.db'))
    expect(
      (
        raw.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as {
          value: number
        }
      ).value,
    ).toBe(SCHEMA_VERSION)
    raw.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(SCHEMA_VERSION + 1)
    raw.close()
    expect(() => new Ledger(join(dir, 'history.db'))).toThrow(/newer Kling Studio/)
  })

  it('turns search text into a safe FTS query', () => {
    expect(ftsQuery('happy beach')).toBe('"happy"* AND "beach"*')
    expect(ftsQuery('  ')).toBeNull()
    expect(ftsQuery('a"b')).toBe('"a"* AND "b"*')
  })
})
