import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Ledger } from '../../src/main/tasks/ledger'
import { toRecord, type JobRow } from '../../src/main/tasks/job-row'
import { everyChunk } from '../../src/main/tasks/ledger-pages'
import { migrate, SCHEMA_VERSION } from '../../src/main/tasks/migrations'
import { writeHistoryV2 } from '../fixtures/history-v2'

// A history written by an earlier release (schema 2, the first; schema 3, before takes) opened by
// this one: every job kept with every field, in the same order, searchable, its events and
// revision carried on.

let dir: string
let path: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-migration-'))
  path = join(dir, 'history.db')
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

interface V2Row {
  id: string
  [column: string]: unknown
}

/** What the previous release would show: its rows in its own order, events, counts, search. */
function readV2(file: string, searches: string[]) {
  const db = new DatabaseSync(file)
  try {
    const rows = db
      .prepare('SELECT * FROM jobs ORDER BY created_at DESC, rowid DESC')
      .all() as unknown as V2Row[]
    const events = new Map<string, unknown[]>()
    for (const e of db
      .prepare('SELECT job_id, at, state, task_status, message FROM job_events ORDER BY id')
      .all() as { job_id: string }[]) {
      const { job_id, ...rest } = e
      events.set(job_id, [...(events.get(job_id) ?? []), rest])
    }
    const found = new Map<string, string[]>()
    for (const q of searches) {
      found.set(
        q,
        (
          db
            .prepare(
              `SELECT id FROM jobs WHERE rowid IN (SELECT rowid FROM jobs_fts WHERE jobs_fts MATCH ?)
               ORDER BY created_at DESC, rowid DESC`,
            )
            .all(q) as { id: string }[]
        ).map((r) => r.id),
      )
    }
    const revision = Number(
      (db.prepare("SELECT value FROM meta WHERE key = 'revision'").get() as { value: number })
        .value,
    )
    const roots = (db.prepare('SELECT path FROM library_roots').all() as { path: string }[]).map(
      (r) => r.path,
    )
    return { rows, events, found, revision, roots }
  } finally {
    db.close()
  }
}

function allPages(ledger: Ledger, query = {}): string[] {
  const ids: string[] = []
  for (let offset = 0; ; offset += 100) {
    const page = ledger.list({ ...query, limit: 100, offset })
    ids.push(...page.jobs.map((j) => j.id))
    if (page.jobs.length < 100) return ids
  }
}

describe('migration from the previous release', () => {
  it('keeps every job with every field, in order, searchable, with events and revision', () => {
    writeHistoryV2(path, { jobs: 360 })
    const searches = ['"cafe"*', '"h"*', '"heron"* AND "dusk"*', '"naive"*', '"über"*']
    const before = readV2(path, searches)
    const ledger = new Ledger(path)
    try {
      expect(before.rows).toHaveLength(359)
      for (const row of before.rows) {
        const job = ledger.get(row.id)!
        expect(job).toEqual({
          id: row.id,
          externalTaskId: row.external_task_id,
          taskId: row.task_id,
          state: row.state,
          kind: 'text2video',
          parentJobId: null,
          groupId: null,
          baseUrl: null,
          taskStatus: row.task_status,
          statusMessage: row.status_msg,
          request: JSON.parse(row.request_json as string),
          sandbox: row.sandbox === 1,
          favourite: row.favourite === 1,
          createdAt: row.created_at,
          submittedAt: row.submitted_at,
          finishedAt: row.finished_at,
          updatedAt: row.updated_at,
          units: row.units,
          error: row.error_json ? JSON.parse(row.error_json as string) : null,
          video: row.video_url
            ? { id: row.video_id, url: row.video_url, duration: row.video_duration }
            : null,
          saved: row.file !== null,
          bytes: row.bytes,
          file: row.file,
          requestId: row.request_id,
          revision: row.revision,
        })
        expect(ledger.history(row.id)).toEqual(
          (before.events.get(row.id) as { task_status: string | null }[]).map(
            ({ task_status, ...e }) => ({ ...e, taskStatus: task_status }),
          ),
        )
      }
      // Newest first exactly as before, sharing milliseconds and rebuilt jobs included.
      expect(allPages(ledger)).toEqual(before.rows.map((r) => r.id))
      expect(ledger.list().total).toBe(359)
      const words = ['cafe', 'h', 'heron dusk', 'naive', 'über']
      words.forEach((w, i) => {
        const ids = allPages(ledger, { search: w })
        expect(ids).toEqual(before.found.get(searches[i]!))
        expect(ids.length).toBeGreaterThan(0)
      })
      const favourites = before.rows.filter((r) => r.favourite === 1).length
      expect(ledger.list({ favourite: true }).total).toBe(favourites)
      expect(ledger.list({ states: ['done'] }).total).toBe(
        before.rows.filter((r) => r.state === 'done').length,
      )
      expect(ledger.libraryRoots().sort()).toEqual(before.roots.sort())
      expect(
        everyChunk((after) => ledger.savedPage(after))
          .map((j) => j.id)
          .sort(),
      ).toEqual(
        before.rows
          .filter((r) => r.file !== null)
          .map((r) => r.id)
          .sort(),
      )
      // The revision goes on from where the previous release left it.
      expect(ledger.revision()).toBe(before.revision)
      const changed = ledger.setFavourite(before.rows[10]!.id, true)
      expect(changed.revision).toBe(before.revision + 1)
      const made = ledger.create({
        request: { prompt: 'after the upgrade' },
        externalTaskId: 'ks-new',
      })
      expect(made.revision).toBe(before.revision + 2)
      expect(ledger.list({ limit: 1 }).jobs[0]!.id).toBe(made.id)
    } finally {
      ledger.close()
    }
  })

  it('re-keys histories dated near zero and a millisecond of more than a thousand jobs', () => {
    writeHistoryV2(path, { jobs: 1_005, start: 0, step: 0 })
    const before = readV2(path, [])
    const ledger = new Ledger(path)
    try {
      expect(allPages(ledger)).toEqual(before.rows.map((r) => r.id))
      const raw = ledger.db
        .prepare('SELECT count(*) AS n FROM jobs WHERE rowid / 1000 <> created_at')
        .get() as { n: number }
      expect(raw.n).toBe(0)
      // The five that did not fit moved one millisecond on; nothing else changed.
      const moved = before.rows.filter((r) => ledger.get(r.id)!.createdAt !== r.created_at)
      expect(moved).toHaveLength(4)
    } finally {
      ledger.close()
    }
  })

  it('takes a time with a fraction of a millisecond (a hand-edited sidecar) as its millisecond', () => {
    writeHistoryV2(path, { jobs: 30 })
    const raw = new DatabaseSync(path)
    raw.prepare("UPDATE jobs SET created_at = created_at + 0.75 WHERE id = 'v2-job-7'").run()
    raw.close()
    const before = readV2(path, [])
    const ledger = new Ledger(path)
    try {
      expect(allPages(ledger)).toEqual(before.rows.map((r) => r.id))
      const row = before.rows.find((r) => r.id === 'v2-job-7')!
      expect(ledger.get('v2-job-7')!.createdAt).toBe(Math.trunc(row.created_at as number))
    } finally {
      ledger.close()
    }
  })

  it('opens a history of the current schema again without change', () => {
    writeHistoryV2(path, { jobs: 50 })
    new Ledger(path).close()
    const ledger = new Ledger(path)
    try {
      expect(ledger.list().total).toBe(49)
      const version = ledger.db
        .prepare("SELECT value FROM meta WHERE key = 'schema_version'")
        .get() as { value: number }
      expect(version.value).toBe(SCHEMA_VERSION)
    } finally {
      ledger.close()
    }
  })

  it('opens a schema-3 history (before takes): every job kept as it was, with no group', () => {
    // Schema 3 as that release wrote it: its migrations (never edited since) and its writes.
    writeHistoryV2(path, { jobs: 80 })
    const raw = new DatabaseSync(path)
    migrate(raw, 3)
    const parent = raw.prepare('SELECT id, created_at FROM jobs ORDER BY rowid DESC').get() as {
      id: string
      created_at: number
    }
    const at = parent.created_at + 1_000
    raw
      .prepare(
        `INSERT INTO jobs (rowid, id, external_task_id, state, kind, parent_job_id, base_url,
           request_json, prompt, created_at, updated_at, revision)
         VALUES (?, 'v3-extension', 'ks-v3-ext', 'processing', 'video-extend', ?, 'https://api.cometapi.com',
           '{"task_id":"1","video_id":"2","prompt":"the heron lands"}', 'the heron lands', ?, ?, 1)`,
      )
      .run(at * 1000, parent.id, at, at)
    raw
      .prepare(
        "INSERT INTO job_events (job_id, at, state, message) VALUES ('v3-extension', ?, 'queued', '')",
      )
      .run(at)
    const version = (
      raw.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: number }
    ).value
    expect(Number(version)).toBe(3)
    const columns = (raw.prepare('PRAGMA table_info(jobs)').all() as { name: string }[]).map(
      (c) => c.name,
    )
    expect(columns).not.toContain('group_id')
    const rows = raw.prepare('SELECT * FROM jobs ORDER BY rowid DESC').all() as unknown as Omit<
      JobRow,
      'group_id'
    >[]
    const events = raw.prepare('SELECT count(*) AS n FROM job_events').get() as { n: number }
    raw.close()

    const ledger = new Ledger(path)
    try {
      expect(rows).toHaveLength(80)
      for (const row of rows) {
        const job = ledger.get(row.id)!
        expect(job).toEqual(toRecord({ ...row, group_id: null }))
        expect(job.groupId).toBeNull()
      }
      expect(ledger.get('v3-extension')).toMatchObject({
        kind: 'video-extend',
        parentJobId: parent.id,
        baseUrl: 'https://api.cometapi.com',
        state: 'processing',
        groupId: null,
      })
      expect(allPages(ledger)).toEqual(rows.map((r) => r.id))
      expect(ledger.live().map((j) => j.id)).toContain('v3-extension')
      expect(
        (ledger.db.prepare('SELECT count(*) AS n FROM job_events').get() as { n: number }).n,
      ).toBe(events.n)
      expect(
        (
          ledger.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as {
            value: number
          }
        ).value,
      ).toBe(SCHEMA_VERSION)
      expect(SCHEMA_VERSION).toBe(6)
      // Takes made after the upgrade keep their group.
      const takes = ledger.createAll(
        [1, 2].map((n) => ({
          request: { prompt: 'after the upgrade' },
          externalTaskId: `ks-up-${n}`,
          groupId: 'g-up',
        })),
      )
      expect(takes.map((j) => ledger.get(j.id)!.groupId)).toEqual(['g-up', 'g-up'])
    } finally {
      ledger.close()
    }
  })

  it('refuses a history written by a newer release, and leaves it as it was', () => {
    writeHistoryV2(path, { jobs: 20 })
    const raw = new DatabaseSync(path)
    raw.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(SCHEMA_VERSION + 1)
    raw.close()
    expect(() => new Ledger(path)).toThrow(/newer Kling Studio/)
    const after = new DatabaseSync(path)
    try {
      const columns = (after.prepare('PRAGMA table_info(jobs)').all() as { name: string }[]).map(
        (c) => c.name,
      )
      expect(columns).not.toContain('kind')
      expect((after.prepare('SELECT count(*) AS n FROM jobs').get() as { n: number }).n).toBe(19)
    } finally {
      after.close()
    }
  })
})
