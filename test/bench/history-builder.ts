import { rmSync } from 'node:fs'
import { seededRandom } from '../../src/shared/seeded-random'
import { Ledger } from '../../src/main/tasks/ledger'
import { ensureTerms } from '../../src/main/tasks/search-terms'
import { refillSpend, unkeepSpend } from './spend-bench'

// The bench's histories: jobs written straight into SQLite (one transaction, prepared statements,
// prompts from a word list with a seeded random), with words of known shares for the searches:
// one in every job, one in about half, one in eight, one in ten thousand.

/** Every prompt ends with this word (as many end with a word on motion or quality). */
export const EVERY_JOB = 'smooth'
/** Half the camera moves are a "... shot": about one job in two. */
export const HALF = 'shot'
/** One job in eight has this word; one in ten thousand has the rare one; neither is elsewhere. */
export const ONE_IN_EIGHT = 'lantern'
export const RARE = 'zeppelin'

const SUBJECTS =
  'heron fox otter lynx whale crane badger moose wolf bear eagle owl deer rabbit horse dog cat child dancer runner musician painter fisherman astronaut robot knight sailor'.split(
    ' ',
  )
const ADJECTIVES =
  'quiet golden misty ancient futuristic lonely playful graceful weathered tiny giant silver crimson dreamy serene stormy vivid faded glowing shadowy'.split(
    ' ',
  )
const ACTIONS =
  'walking across|crossing|gliding over|resting beside|running through|dancing in|drifting above|emerging from|waiting near|circling'.split(
    '|',
  )
const PLACES =
  'a snowy field|a neon city street|a misty forest|the harbour|a desert canyon|a mountain lake|an old market|a rainy bridge|a sunflower field|the ocean shore|a quiet village|a glass tower'.split(
    '|',
  )
const TIMES =
  'at dusk|at dawn|at golden hour|under the stars|in heavy rain|at noon|in the fog|after a storm'.split(
    '|',
  )
const CAMERA =
  'slow dolly in|aerial drone shot|handheld tracking shot|wide establishing shot|close-up portrait|slow pan left|orbiting camera|static tripod shot'.split(
    '|',
  )
const STYLE =
  'cinematic lighting|film grain|anamorphic bokeh|soft watercolor look|hyperrealistic detail|shallow depth of field|vintage 35mm film|muted pastel palette'.split(
    '|',
  )
const MODELS = ['kling-v2-1', 'kling-v2-master', 'kling-v1-6', 'kling-v1']
const ASPECTS = ['16:9', '9:16', '1:1']

/** A prompt as people write them: subject, action, place, time, camera, style. */
function prompt(random: () => number, i: number): string {
  const pick = (xs: string[]) => xs[Math.floor(random() * xs.length)]!
  const parts = [
    `A ${pick(ADJECTIVES)} ${pick(SUBJECTS)} ${pick(ACTIONS)} ${pick(PLACES)} ${pick(TIMES)}`,
    pick(CAMERA),
    pick(STYLE),
  ]
  if (random() < 0.5) parts.push(`${pick(ADJECTIVES)} ${pick(STYLE)}`)
  if (i % 8 === 3) parts.push(`a paper ${ONE_IN_EIGHT} glowing`)
  if (i % 10_000 === 17) parts.push(`a ${RARE} overhead`)
  parts.push(`${EVERY_JOB} motion`)
  return parts.join(', ')
}

const STATES: [string, number][] = [
  ['done', 0.86],
  ['failed', 0.06],
  ['expired', 0.05],
  ['needs_attention', 0.002],
  ['downloading', 0.0002],
]

function stateOf(random: () => number, i: number, size: number): string {
  // The newest few are still running, as in a history that is in use.
  if (i >= size - 8) return ['queued', 'submitted', 'processing'][i % 3]!
  let r = random()
  for (const [state, share] of STATES) if ((r -= share) < 0) return state
  return 'done'
}

/**
 * Writes a history of `size` jobs into a fresh file; returns how long the spend sums' one-time
 * fill took (ms). Only the columns the schema in force has are written, so the previous release's
 * ledger can be measured on the very same history.
 */
export function buildHistory(path: string, size: number, seed = 1): number {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true })
  const ledger = new Ledger(path)
  const db = ledger.db
  db.exec('PRAGMA synchronous = OFF; PRAGMA cache_size = -262144')
  const columns = new Set(
    (db.prepare('PRAGMA table_info(jobs)').all() as { name: string }[]).map((c) => c.name),
  )
  const names = [
    'rowid',
    'id',
    'external_task_id',
    'task_id',
    'state',
    'task_status',
    'request_json',
    'prompt',
    'model',
    'aspect_ratio',
    'sandbox',
    'favourite',
    'created_at',
    'submitted_at',
    'finished_at',
    'updated_at',
    'units',
    'video_id',
    'video_url',
    'video_duration',
    'file',
    'bytes',
    'revision',
    'kind',
    'parent_job_id',
  ].filter((c) => c === 'rowid' || columns.has(c))
  const insert = db.prepare(
    `INSERT INTO jobs (${names.join(', ')}) VALUES (${names.map((n) => `:${n}`).join(', ')})`,
  )
  const random = seededRandom(seed)
  const start = 1_700_000_000_000
  db.exec('BEGIN')
  // Indexes and the full-text index are built once at the end, from the schema's own SQL: many
  // times quicker than row by row (the row-by-row cost is measured below, as create).
  const deferred = db
    .prepare(
      `SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'jobs' AND sql IS NOT NULL
         AND (type = 'index' OR name = 'jobs_fts_insert')`,
    )
    .all() as { type: string; name: string; sql: string }[]
  for (const d of deferred) db.exec(`DROP ${d.type.toUpperCase()} ${d.name}`)
  unkeepSpend(db)
  for (let i = 0; i < size; i++) {
    const createdAt = start + i * 30_000 + Math.floor(random() * 1000)
    const state = stateOf(random, i, size)
    const succeeded = state === 'done' || state === 'expired' || state === 'downloading'
    const text = prompt(random, i)
    const request = {
      prompt: text,
      model_name: MODELS[Math.floor(random() * random() * MODELS.length)],
      aspect_ratio: ASPECTS[Math.floor(random() * random() * ASPECTS.length)],
      mode: random() < 0.7 ? 'std' : 'pro',
      duration: random() < 0.8 ? '5' : '10',
    }
    const row: Record<string, string | number | null> = {
      rowid: createdAt * 1000,
      id: `job-${i}`,
      external_task_id: `ks-${i}`,
      task_id: String(900_000_000_000_000_000n + BigInt(i)),
      state,
      task_status: succeeded ? 'succeed' : state === 'failed' ? 'failed' : null,
      request_json: JSON.stringify(request),
      prompt: text,
      model: request.model_name!,
      aspect_ratio: request.aspect_ratio!,
      sandbox: random() < 0.05 ? 1 : 0,
      favourite: random() < 0.03 ? 1 : 0,
      created_at: createdAt,
      submitted_at: createdAt + 800,
      finished_at: succeeded || state === 'failed' ? createdAt + 150_000 : null,
      updated_at: createdAt + 160_000,
      units: succeeded ? '1' : null,
      video_id: succeeded ? `v-${i}` : null,
      video_url: succeeded ? `https://cdn.example/v/${i}.mp4` : null,
      video_duration: succeeded ? '5.1' : null,
      file: state === 'done' ? `/library/job-${i}.mp4` : null,
      bytes: state === 'done' ? 4_000_000 + i : null,
      revision: i + 1,
      kind: i % 50 === 7 ? 'video-extend' : i % 10 === 1 ? 'image2video' : 'text2video',
      parent_job_id: i % 50 === 7 ? `job-${i - 1}` : null,
    }
    insert.run(Object.fromEntries(names.map((n) => [n, row[n]!])))
  }
  for (const d of deferred) db.exec(d.sql)
  db.exec("INSERT INTO jobs_fts (jobs_fts) VALUES ('rebuild')")
  db.prepare("UPDATE meta SET value = ? WHERE key = 'revision'").run(size)
  db.exec('COMMIT')
  // Rows went in behind the ledger's back: its search terms are gathered as for an old history.
  db.exec("DELETE FROM meta WHERE key = 'search_terms'")
  ensureTerms(db)
  const fillMs = refillSpend(db)
  ledger.close()
  return fillMs
}
