import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { JobTrouble } from '../../src/shared/contract'
import { seededRandom } from '../../src/shared/seeded-random'
import {
  historyFailure,
  STEP_RETRY,
  StepTroubles,
  TROUBLE_TEXT,
  troubleKindOf,
} from '../../src/main/tasks/step-trouble'

// What a failed step's error says of the history, read from errors node:sqlite really throws on a
// real file (another connection holding the write lock, a page limit standing for a full disk, a
// connection that may not write), and the waits between tries: growing, jittered, capped.

let dir: string
const open: DatabaseSync[] = []

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-trouble-'))
})
afterEach(async () => {
  for (const db of open.splice(0).reverse()) if (db.isOpen) db.close()
  await rm(dir, { recursive: true, force: true })
})

function history(): DatabaseSync {
  const db = new DatabaseSync(join(dir, 'history.db'))
  open.push(db)
  db.exec('PRAGMA busy_timeout = 1')
  return db
}

/** The error a statement throws (it must throw). */
function thrown(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  throw new Error('the statement did not fail')
}

describe('troubleKindOf', () => {
  it('reads "locked" from a write another connection holds the lock against', () => {
    const db = history()
    db.exec('PRAGMA journal_mode = WAL; CREATE TABLE t (x)')
    const other = history()
    other.exec('BEGIN IMMEDIATE')
    const error = thrown(() => db.exec('INSERT INTO t VALUES (1)'))
    expect(error).toMatchObject({ code: 'ERR_SQLITE_ERROR', errcode: 5 })
    expect(troubleKindOf(error)).toBe('locked')
    // A transaction that cannot begin says the same.
    expect(troubleKindOf(thrown(() => db.exec('BEGIN IMMEDIATE')))).toBe('locked')
    other.exec('ROLLBACK')
    db.exec('INSERT INTO t VALUES (1)')
  })

  it('reads "full" from a history that may not grow', () => {
    const db = history()
    db.exec('CREATE TABLE t (x)')
    const { page_count } = db.prepare('PRAGMA page_count').get() as { page_count: number }
    db.exec(`PRAGMA max_page_count = ${page_count}`)
    const insert = db.prepare('INSERT INTO t VALUES (?)')
    const error = thrown(() => {
      for (let i = 0; i < 1_000; i++) insert.run('x'.repeat(1_000))
    })
    expect(error).toMatchObject({ errcode: 13 })
    expect(troubleKindOf(error)).toBe('full')
  })

  it('reads "write" from a history that cannot be written, and from any other SQLite refusal', () => {
    const db = history()
    db.exec('CREATE TABLE t (x)')
    db.exec('PRAGMA query_only = 1')
    const readOnly = thrown(() => db.exec('INSERT INTO t VALUES (1)'))
    expect(readOnly).toMatchObject({ errcode: 8 })
    expect(troubleKindOf(readOnly)).toBe('write')
    expect(troubleKindOf(thrown(() => db.exec('SELECT * FROM no_such_table')))).toBe('write')
  })

  it('reads SQLite texts that lost their code, and calls anything else unexpected', () => {
    expect(troubleKindOf(new Error('database is locked'))).toBe('locked')
    expect(troubleKindOf(new Error('SQLITE_BUSY: database is locked'))).toBe('locked')
    expect(troubleKindOf(new Error('database or disk is full'))).toBe('full')
    expect(troubleKindOf(new Error('disk I/O error'))).toBe('write')
    expect(troubleKindOf({ errcode: 10 | (3 << 8) })).toBe('write') // SQLITE_IOERR_WRITE
    expect(troubleKindOf({ errcode: 5 | (2 << 8) })).toBe('locked') // SQLITE_BUSY_SNAPSHOT
    expect(troubleKindOf(new TypeError('Cannot read properties of undefined'))).toBe('unexpected')
    expect(troubleKindOf('a string')).toBe('unexpected')
    expect(troubleKindOf(null)).toBe('unexpected')
  })
})

describe('StepTroubles', () => {
  function troubles(random = seededRandom(7)) {
    const told: { jobId: string; trouble: JobTrouble | null }[] = []
    const lines: string[] = []
    let now = 1_000_000
    const held = new StepTroubles(
      {
        emit: (e) =>
          void (e.type === 'trouble' && told.push({ jobId: e.jobId, trouble: e.trouble })),
        log: (l) => void lines.push(l),
      },
      random,
      () => now,
    )
    return { held, told, lines, advance: (ms: number) => (now += ms), now: () => now }
  }

  it('waits longer after every failure, with jitter, never over a minute, and tells each try', () => {
    const { held, told, advance, now } = troubles()
    const delays: number[] = []
    for (let attempt = 1; attempt <= 10; attempt++) {
      const at = now()
      const delay = held.failed('j1', new Error('database is locked'))
      const ceiling = Math.min(STEP_RETRY.maxMs, STEP_RETRY.baseMs * 2 ** (attempt - 1))
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2)
      expect(delay).toBeLessThanOrEqual(ceiling)
      expect(told.at(-1)).toEqual({
        jobId: 'j1',
        trouble: {
          kind: 'locked',
          message: TROUBLE_TEXT.locked,
          attempts: attempt,
          retryAt: at + delay,
        },
      })
      delays.push(delay)
      advance(delay)
    }
    // Growing until the cap: each ceiling twice the last, so each wait above the one before it.
    for (let i = 1; i < 6; i++) expect(delays[i]!).toBeGreaterThan(delays[i - 1]!)
    expect(Math.max(...delays)).toBeLessThanOrEqual(60_000)
    expect(delays.slice(7).every((d) => d >= 30_000)).toBe(true)
  })

  it('starts again from the shortest wait once a step went through, and says so once', () => {
    const { held, told } = troubles(() => 1)
    held.failed('j1', new Error('database is locked'))
    held.failed('j1', new Error('database is locked'))
    expect(held.all()).toMatchObject({ j1: { attempts: 2 } })
    held.settle('j1')
    held.settle('j1')
    expect(told.filter((t) => t.trouble === null)).toEqual([{ jobId: 'j1', trouble: null }])
    expect(held.all()).toEqual({})
    expect(held.failed('j1', new Error('database or disk is full'))).toBe(STEP_RETRY.baseMs)
    expect(held.all()).toMatchObject({ j1: { kind: 'full', attempts: 1 } })
    // A job that never had a trouble is never "cleared".
    held.settle('j2')
    expect(told.filter((t) => t.jobId === 'j2')).toEqual([])
  })

  it('says only its own fixed text, whatever the error carried, and nothing after it stopped', () => {
    const { held, told, lines } = troubles()
    held.failed(
      'j1',
      new Error('boom: https://gw.example/v1?key=sk-secret-123456 said {"message":"x"}'),
    )
    expect(told[0]!.trouble).toMatchObject({ kind: 'unexpected', message: TROUBLE_TEXT.unexpected })
    expect(JSON.stringify(told)).not.toContain('sk-secret')
    expect(lines).toHaveLength(1)
    held.stop()
    held.failed('j1', new Error('database is locked'))
    held.settle('j1')
    expect(told).toHaveLength(1)
  })
})

describe('historyFailure', () => {
  it('says a file damaged while the app runs is the history, and leaves other errors alone', async () => {
    const { writeFileSync } = await import('node:fs')
    const file = join(dir, 'garbage.db')
    writeFileSync(file, Buffer.alloc(8192, 0x5a))
    const db = new DatabaseSync(file)
    open.push(db)
    const error = thrown(() => db.prepare('SELECT * FROM jobs').all())
    expect(historyFailure(error)).toEqual({
      code: 'history_write',
      message: expect.stringMatching(/^The history could not be written \(file is not a database/),
    })
    expect(historyFailure(new Error('database is locked'))).toBeNull()
    expect(historyFailure('text')).toBeNull()
  })
})
