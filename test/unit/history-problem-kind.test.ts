import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { problemLine, problemOf } from '../../src/main/studio/history-open'

// Which problem an error from opening the history is, from errors node:sqlite really throws (the
// full disk itself is exercised on a real tmpfs in test/integration/hostile-history.test.ts,
// where the machine lets a test mount one).

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-problem-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

function thrown(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  throw new Error('it did not fail')
}

describe('problemOf', () => {
  it('reads a write SQLite refused for want of room as a full disk, with what to do', () => {
    const file = join(dir, 'history.db')
    const db = new DatabaseSync(file)
    db.exec('CREATE TABLE t (x); PRAGMA max_page_count = 3')
    const error = thrown(() => db.exec(`INSERT INTO t VALUES (randomblob(100000))`))
    db.close()
    const problem = problemOf(error, file)
    expect(problem).toEqual({
      kind: 'full',
      message: expect.stringMatching(/^the disk holding it is full \(database or disk is full\)/),
      file,
    })
    expect(problemLine(problem!)).toMatch(
      /cannot be written: .*free some space there, then try again$/,
    )
  })

  it('leaves an I/O error on a disk with room to the caller (not called full)', () => {
    const error = Object.assign(new Error('disk I/O error'), {
      code: 'ERR_SQLITE_ERROR',
      errcode: 4874, // SQLITE_IOERR_SHMSIZE
      errstr: 'disk I/O error',
    })
    expect(problemOf(error, join(dir, 'history.db'))).toBeNull()
  })
})
