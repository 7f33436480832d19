import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SQLInputValue } from 'node:sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JOB_STATES, type JobQuery } from '../../src/shared/jobs'
import { VIDEO_KINDS } from '../../src/shared/kling'
import { ftsQuery, Ledger, type DriverKind } from '../../src/main/tasks/ledger'
import { seededRandom } from '../../src/shared/seeded-random'

// The library's pages: the same rows, in the same order, whichever source the planner reads
// them from, as the plain query of the previous release would give; totals exact where they
// can be, a lower bound (and said so) where they cannot.

let dir: string
let ledger: Ledger
let now = 1_777_000_000_000
const ids: string[] = []

const WORDS = ['heron', 'Café', 'crème', 'fox', 'snowy', 'dusk', 'neon', 'über', 'a', 'harbour']

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-ledger-list-'))
  ledger = new Ledger(join(dir, 'history.db'), () => now)
  const random = seededRandom(3)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!
  for (let i = 0; i < 320; i++) {
    now += i % 7 === 0 ? 0 : 1000 // some jobs share a millisecond
    const words = Array.from({ length: 2 + Math.floor(random() * 4) }, () => pick(WORDS))
    if (i % 8 === 0) words.push('lantern') // a word in one job of eight
    const kind = i % 5 === 0 ? pick(VIDEO_KINDS) : 'text2video'
    const job = ledger.create({
      kind,
      request: {
        prompt: words.join(' '),
        model_name: pick(['kling-v1', 'kling-v2-master', 'kling-v2-1']),
        aspect_ratio: pick(['16:9', '9:16', '1:1']),
      } as never,
      externalTaskId: `ks-${i}`,
      sandbox: random() < 0.1,
      parentJobId: kind === 'video-extend' && ids.length > 0 ? ids[ids.length - 1]! : null,
    })
    ids.push(job.id)
    const state = pick(JOB_STATES)
    if (state !== 'queued') ledger.update(job.id, { state })
    if (random() < 0.12) ledger.setFavourite(job.id, true)
  }
  // Changes after the fact: the counts must follow them.
  for (let i = 0; i < 40; i++) ledger.setState(ids[i * 7]!, pick(JOB_STATES))
  for (let i = 0; i < 10; i++) ledger.setFavourite(ids[i * 13]!, i % 2 === 0)
  for (const id of [ids[5]!, ids[77]!, ids[200]!]) ledger.remove(id)
})
afterAll(async () => {
  ledger.close()
  await rm(dir, { recursive: true, force: true })
})

/** The previous release's query: every job checked, sorted, no planner. */
function reference(q: JobQuery): string[] {
  const where: string[] = []
  const args: SQLInputValue[] = []
  if (q.search) {
    const match = ftsQuery(q.search)
    if (match === null) return []
    where.push('rowid IN (SELECT rowid FROM jobs_fts WHERE jobs_fts MATCH ?)')
    args.push(match)
  }
  const eq = (column: string, value: SQLInputValue | undefined) => {
    if (value === undefined) return
    where.push(`${column} = ?`)
    args.push(value)
  }
  if (q.states?.length) {
    where.push(`state IN (${q.states.map(() => '?').join(', ')})`)
    args.push(...q.states)
  }
  eq('kind', q.kind)
  eq('parent_job_id', q.parentJobId)
  eq('model', q.model)
  eq('aspect_ratio', q.aspectRatio)
  eq('favourite', q.favourite === undefined ? undefined : q.favourite ? 1 : 0)
  eq('sandbox', q.sandbox === undefined ? undefined : q.sandbox ? 1 : 0)
  if (q.since !== undefined) {
    where.push('created_at >= ?')
    args.push(q.since)
  }
  if (q.until !== undefined) {
    where.push('created_at < ?')
    args.push(q.until)
  }
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : ''
  return (
    ledger.db
      .prepare(`SELECT id FROM jobs ${clause} ORDER BY created_at DESC, rowid DESC`)
      .all(...args) as { id: string }[]
  ).map((r) => r.id)
}

const search = (q: string) => ledger.list({ search: q, limit: 500 }).jobs.map((j) => j.id)

describe('library pages', () => {
  it('searches as before: every word, as a prefix, any case and accents, newest first', () => {
    for (const q of ['cafe', 'CAFÉ', 'caf', 'c', 'creme', 'uber', 'lantern', 'heron dusk', 'h f'])
      expect(search(q)).toEqual(reference({ search: q }))
    expect(search('lantern').length).toBe(39) // one of the 40 was removed
    expect(search('cafe').length).toBeGreaterThan(0)
    expect(search('zebra')).toEqual([])
    expect(search('"; DROP TABLE jobs; --')).toEqual([])
    expect(ledger.list({ search: '***' })).toMatchObject({ jobs: [], total: 0 })
  })

  const queries: JobQuery[] = [
    {},
    { favourite: true },
    { states: ['done'] },
    { states: ['queued', 'creating', 'submitted', 'processing', 'downloading'] },
    { model: 'kling-v1', aspectRatio: '9:16' },
    { kind: 'image2video' },
    { parentJobId: ids[9] },
    { sandbox: false, states: ['needs_attention'] },
    { since: now - 120_000_000 },
    { since: now - 250_000_000, until: now - 100_000_000, favourite: false },
    { search: 'h' },
    { search: 'lantern', favourite: true },
    { search: 'a', states: ['failed', 'expired'] },
    { search: 'cafe heron', model: 'kling-v2-1' },
    { search: 'fox', since: now - 200_000_000, sandbox: false },
    { search: 'neon', kind: 'text2video', aspectRatio: '1:1', favourite: false },
    { model: 'no-such-model' },
  ]
  const drivers: (DriverKind | undefined)[] = [
    undefined,
    'table',
    'index',
    'fts',
    'index+fts-row',
    'index+fts-set',
  ]

  it('gives the same rows from every source, page by page, and totals that hold', () => {
    for (const q of queries) {
      const all = reference(q)
      for (const driver of drivers) {
        for (const [offset, limit] of [
          [0, 50],
          [0, 7],
          [14, 7],
          [all.length - 3, 10],
          [all.length + 20, 10],
        ] as const) {
          const page = ledger.list({ ...q, offset: Math.max(0, offset), limit }, driver)
          const at = `${JSON.stringify(q)} via ${driver} at ${offset}+${limit}`
          const start = Math.max(0, offset)
          expect(
            page.jobs.map((j) => j.id),
            at,
          ).toEqual(all.slice(start, start + limit))
          if (page.totalIsEstimate) {
            expect(page.total, at).toBeLessThanOrEqual(all.length)
            expect(page.total, at).toBeGreaterThanOrEqual(start + page.jobs.length + 1)
          } else expect(page.total, at).toBe(all.length)
        }
      }
    }
  })

  it('says exactly how many when one filter or none applies, from kept counts', () => {
    const count = (where: string) =>
      (ledger.db.prepare(`SELECT count(*) AS n FROM jobs ${where}`).get() as { n: number }).n
    expect(ledger.list()).toMatchObject({ total: count(''), totalIsEstimate: false })
    for (const state of JOB_STATES)
      expect(ledger.list({ states: [state] }).total).toBe(count(`WHERE state = '${state}'`))
    expect(ledger.list({ favourite: true }).total).toBe(count('WHERE favourite = 1'))
    expect(ledger.list({ sandbox: true }).total).toBe(count('WHERE sandbox = 1'))
    expect(ledger.list({ model: 'kling-v1' }).total).toBe(count("WHERE model = 'kling-v1'"))
    for (const kind of VIDEO_KINDS)
      expect(ledger.list({ kind }).total).toBe(count(`WHERE kind = '${kind}'`))
    // Every kept count matches the table.
    const kept = ledger.db
      .prepare("SELECT facet, value, n FROM job_counts WHERE facet <> 'all' AND n <> 0")
      .all() as { facet: string; value: string; n: number }[]
    const actual = ledger.db
      .prepare(
        ['state', 'model', 'aspect_ratio', 'favourite', 'sandbox', 'kind']
          .map(
            (c) =>
              `SELECT '${c}' AS facet, quote(${c}) AS value, count(*) AS n FROM jobs GROUP BY 2`,
          )
          .join(' UNION ALL '),
      )
      .all() as { facet: string; value: string; n: number }[]
    const key = (r: { facet: string; value: string; n: number }) => `${r.facet}=${r.value}:${r.n}`
    expect(kept.map(key).sort()).toEqual(actual.map(key).sort())
  })

  it('marks a total a lower bound when the rows found may not be all', () => {
    const page = ledger.list({ search: 'a', favourite: false, limit: 5 })
    const all = reference({ search: 'a', favourite: false })
    expect(all.length).toBeGreaterThan(20)
    expect(page).toMatchObject({ total: 10, totalIsEstimate: true })
    const last = ledger.list({ search: 'a', favourite: false, limit: 5, offset: all.length - 5 })
    expect(last).toMatchObject({ total: all.length, totalIsEstimate: false })
  })

  it('reads every page in rowid order, from an index or the full-text index', () => {
    const plan = (q: JobQuery) => {
      const { sql, driver } = ledger.explainList(q)
      const steps = ledger.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]
      return { driver, detail: steps.map((s) => s.detail).join(' | ') }
    }
    const streamed = [
      {},
      { favourite: true },
      { states: ['done'] },
      { search: 'h' },
      { search: 'lantern', favourite: true },
      { since: now - 1000 },
    ] as JobQuery[]
    // No sort step: each page stops once full (a plain SCAN of the table is rowid order).
    for (const q of streamed) expect(plan(q).detail, JSON.stringify(q)).not.toMatch(/TEMP B-TREE/)
    expect(plan({ since: now - 1000 }).detail).toMatch(/INTEGER PRIMARY KEY \(rowid>\?\)/)
    // Filters beyond the source are seeks in their own (covering) indexes, not reads of rows.
    const combined = plan({ states: ['failed'], favourite: true, aspectRatio: '1:1' }).detail
    expect(combined).toMatch(/SEARCH f0 USING COVERING INDEX/)
    expect(combined).not.toMatch(/INTEGER PRIMARY KEY/)
    const searched = plan({ search: 'lantern', favourite: false, sandbox: false }).detail
    expect(searched).not.toMatch(/INTEGER PRIMARY KEY|TEMP B-TREE/)
    expect(plan({ search: 'h' }).detail).toMatch(/VIRTUAL TABLE INDEX/)
    expect(plan({ favourite: true }).detail).toMatch(/INDEX jobs_favourite/)
  })
})

describe('long search words', () => {
  it('are matched as prefixes through the terms they begin, and past 24 such terms as plain prefixes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kling-long-words-'))
    const ledger = new Ledger(join(dir, 'history.db'))
    try {
      const prompts = [
        'a cinematically lit room',
        'cinematic dusk over the bay',
        'CINÉMATIQUE, à la française',
        'cinematographer at work',
        ...Array.from({ length: 30 }, (_, i) => `extraordinary${i} scene`),
      ]
      prompts.forEach((prompt, i) =>
        ledger.create({
          request: { prompt },
          externalTaskId: `ks-long-${i}`,
          createdAt: 1_000 + i,
        }),
      )
      const found = (search: string) =>
        ledger.list({ search, limit: 100 }).jobs.map((j) => j.request.prompt)
      expect(found('cinematic').sort()).toEqual([
        'a cinematically lit room',
        'cinematic dusk over the bay',
      ])
      expect(found('Cinématique')).toEqual(['CINÉMATIQUE, à la française'])
      expect(found('cinematically lit')).toEqual(['a cinematically lit room'])
      expect(found('cinematicx')).toEqual([])
      // 30 terms begin "extraordinary": too many to name, so the plain prefix query finds them.
      expect(found('extraordinary')).toHaveLength(30)
    } finally {
      ledger.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
