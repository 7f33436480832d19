import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Ledger } from '../../src/main/tasks/ledger'
import { LedgerReader } from '../../src/main/tasks/ledger-reader'

// The library's queries in a worker thread of their own (the built out/main/list-worker.js), on
// a read connection beside main's: the same pages as the ledger gives, and what main has just
// written.

const WORKER = resolve('out/main/list-worker.js')
let dir: string
let ledger: Ledger

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-reader-'))
  ledger = new Ledger(join(dir, 'history.db'))
  const words = ['lantern', 'harbour', 'cinematic', 'otter', 'dusk']
  for (let i = 0; i < 300; i++) {
    const prompt = `${words[i % 5]} ${words[(i * 3) % 5]} scene ${i}`
    ledger.create({ request: { prompt }, externalTaskId: `ks-r-${i}`, createdAt: 1_000 + i })
  }
})
afterEach(async () => {
  ledger.close()
  await rm(dir, { recursive: true, force: true })
})

describe('LedgerReader', () => {
  it('answers from the worker what the ledger answers, and sees what main just wrote', async () => {
    const reader = new LedgerReader(ledger, WORKER)
    try {
      for (const query of [
        {},
        { search: 'cinematic' },
        { search: 'lan har', limit: 10 },
        { offset: 280 },
      ]) {
        const fromWorker = await reader.list(query)
        const direct = ledger.list(query)
        expect(fromWorker.jobs.map((j) => j.id)).toEqual(direct.jobs.map((j) => j.id))
        expect(fromWorker.total).toBe(direct.total)
      }
      const job = ledger.create({
        request: { prompt: 'a brand new zeppelin' },
        externalTaskId: 'ks-new',
      })
      expect((await reader.list({ search: 'zeppelin' })).jobs.map((j) => j.id)).toEqual([job.id])
      expect((await reader.list({})).total).toBe(301)
    } finally {
      await reader.close()
    }
  })

  it("a query the worker's SQLite refuses fails with SQLite's codes, as it would here", async () => {
    const reader = new LedgerReader(ledger, WORKER)
    try {
      await reader.list({})
      // The table the pages come from is gone under the worker's statements.
      ledger.db.exec('ALTER TABLE jobs RENAME TO jobs_gone')
      const error = await reader.list({ offset: 5 }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(Error)
      expect(error).toMatchObject({ code: 'ERR_SQLITE_ERROR', errcode: expect.any(Number) })
      expect((error as { errstr: unknown }).errstr).toEqual(expect.any(String))
    } finally {
      await reader.close()
    }
  })

  it('answers from the main thread where no worker was built', async () => {
    const reader = new LedgerReader(ledger, join(dir, 'no-such-worker.js'))
    expect((await reader.list({ search: 'otter' })).jobs.length).toBeGreaterThan(0)
    await reader.close()
  })
})
