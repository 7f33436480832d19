import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterAll, describe, expect, it } from 'vitest'
import { Ledger } from '../../src/main/tasks/ledger'
import { SCHEMA_VERSION } from '../../src/main/tasks/migrations'
import { runIn, type Run } from '../fixtures/cli'
import { writeHistoryV2 } from '../fixtures/history-v2'

// The command line over a hostile history.db, the built bin in its own process: a file cut short,
// random bytes, another process's write transaction held past the wait, a history from a newer
// app. Each ends in one line on stderr saying what is wrong and what to do (no stack trace), and
// exit code 7; with --json, one error object on stdout. The reading commands (list, spend) open
// the history read-only: they answer at once from the last commit while another process writes.

const EXIT_HISTORY = 7
const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

/** A home with a history of three jobs in its data folder (KLING_STUDIO_DATA_DIR), no log. */
async function homeWithHistory(): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'kling-cli-history-'))
  dirs.push(dir)
  mkdirSync(join(dir, 'data'))
  const file = join(dir, 'data', 'history.db')
  const ledger = new Ledger(file)
  for (const prompt of ['a red kite over dunes', 'a lighthouse at dusk', 'rain on a tin roof'])
    ledger.create({ request: { prompt }, externalTaskId: `ks-${prompt.length}-${prompt[2]}` })
  ledger.db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
  ledger.close()
  return { dir, file }
}

/** One line on stderr, nothing on stdout, exit 7. */
function oneLine(run: Run, pattern: RegExp): void {
  expect(run.stdout).toBe('')
  expect(run.stderr).toMatch(pattern)
  expect(run.stderr.trim().split('\n')).toHaveLength(1)
  expect(run.stderr).not.toMatch(/\bat \S+:\d+/)
  expect(run.code).toBe(EXIT_HISTORY)
}

describe('the command line over a history it cannot use', () => {
  it('cut short: damaged, in one line with what to do, exit 7', async () => {
    const { dir, file } = await homeWithHistory()
    truncateSync(file, Math.floor(readFileSync(file).length / 2))
    const run = await runIn(dir, ['list'])
    oneLine(
      run,
      new RegExp(
        `^kling-studio: the history at ${file.replace(/[.\\/]/g, '\\$&')} is damaged \\(the file was cut short: .*\\); move it aside or run the app to start afresh\\n$`,
      ),
    )
    const json = await runIn(dir, ['list', '--json'])
    expect(json.code).toBe(EXIT_HISTORY)
    expect(json.stderr).toBe('')
    expect(JSON.parse(json.stdout)).toMatchObject({
      error: { kind: 'history_damaged', file, request_id: null },
    })
  })

  it('random bytes: damaged (file is not a database), for a reader and a writer alike', async () => {
    const { dir, file } = await homeWithHistory()
    writeFileSync(file, randomBytes(32 * 1024))
    for (const args of [['list'], ['spend'], ['resume']]) {
      const run = await runIn(dir, args)
      oneLine(run, /^kling-studio: the history at .* is damaged \(file is not a database\); /)
    }
  })

  it('written by a newer app: said, with what to do, and left as it is', async () => {
    const { dir, file } = await homeWithHistory()
    const db = new DatabaseSync(file)
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(SCHEMA_VERSION + 1)
    db.close()
    const before = readFileSync(file)
    const run = await runIn(dir, ['list'])
    oneLine(
      run,
      new RegExp(
        `^kling-studio: the history at .* cannot be read: it was written by a newer Kling Studio \\(schema ${SCHEMA_VERSION + 1}; this one knows ${SCHEMA_VERSION}\\); update Kling Studio to use it\\n$`,
      ),
    )
    expect(readFileSync(file).equals(before)).toBe(true)
  })

  it('held by another write: list and spend answer from the last commit; a writer says busy', async () => {
    const { dir } = await homeWithHistory()
    const holder = new DatabaseSync(join(dir, 'data', 'history.db'))
    holder.exec('BEGIN EXCLUSIVE')
    holder.exec("UPDATE jobs SET prompt = 'not committed yet'")
    holder.exec("DELETE FROM jobs WHERE prompt = 'not committed yet' AND rowid % 2 = 0")
    try {
      const list = await runIn(dir, ['list', '--json'])
      expect(list.code, list.stderr).toBe(0)
      const page = JSON.parse(list.stdout) as { total: number; jobs: { prompt: string }[] }
      expect(page.total).toBe(3)
      expect(list.stdout).not.toContain('not committed yet')
      const spend = await runIn(dir, ['spend', '--json'])
      expect(spend.code, spend.stderr).toBe(0)
      expect(() => JSON.parse(spend.stdout)).not.toThrow()
      // resume works jobs: it needs the write, and waits for it no longer than the busy timeout.
      const resume = await runIn(dir, ['resume'])
      oneLine(
        resume,
        /^kling-studio: the history at .* is busy: another process is holding it \(database is locked\); try again when the other process is done\n$/,
      )
    } finally {
      holder.exec('ROLLBACK')
      holder.close()
    }
    // Released: the same reader sees the three jobs, and nothing of what was rolled back.
    const after = await runIn(dir, ['list', '--json'])
    expect(JSON.parse(after.stdout)).toMatchObject({ total: 3 })
    expect(after.stdout).not.toContain('not committed yet')
  })

  it('an older history: a reader takes the write once to bring it to this schema, then reads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kling-cli-history-'))
    dirs.push(dir)
    mkdirSync(join(dir, 'data'))
    const file = join(dir, 'data', 'history.db')
    writeHistoryV2(file, { jobs: 12 })
    const count = (db: DatabaseSync) =>
      (db.prepare('SELECT count(*) AS n FROM jobs').get() as { n: number }).n
    const v2 = new DatabaseSync(file, { readOnly: true })
    const jobs = count(v2)
    v2.close()
    const list = await runIn(dir, ['list', '--json'])
    expect(list.code, list.stderr).toBe(0)
    expect(JSON.parse(list.stdout)).toMatchObject({ total: jobs })
    const db = new DatabaseSync(file, { readOnly: true })
    const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()
    expect(count(db)).toBe(jobs)
    db.close()
    expect(Number((row as { value: unknown }).value)).toBe(SCHEMA_VERSION)
  })
})
