import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { typingBench } from './typing-bench'
import type { JobQuery } from '../../src/shared/jobs'
import { Ledger } from '../../src/main/tasks/ledger'
import { buildHistory, EVERY_JOB, HALF, ONE_IN_EIGHT, RARE } from './history-builder'
import { reportScan, spendFigures } from './spend-bench'

// The history at scale: histories of 1,000 / 100,000 / 1,000,000 jobs (history-builder.ts), then
// what the person waits for: the first page, searches, a filter, opening the file, a status
// update, and the longest single ledger call seen. Each figure: three runs, each the median of
// its repetitions; the median of the three is recorded, their spread printed beside it.
// `npm run bench -- --quick` stops at 100,000 (CI); the full run builds a million (~2 min).

export interface Reporter {
  record(key: string, value: number | null, unit: string, note?: string): void
  row(label: string, value: string, note?: string): void
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

type Call = (ledger: Ledger, i: number) => unknown

interface Figure {
  key: string
  label: string
  fn: Call
}

const page =
  (q: JobQuery): Call =>
  (l) =>
    l.list({ limit: 50, ...q })

const LIVE = ['queued', 'creating', 'submitted', 'processing', 'downloading'] as const

/** The figures the targets name, each recorded. */
const FIGURES: Figure[] = [
  { key: 'first_page_ms', label: 'first page, unfiltered; target < 5 ms', fn: page({}) },
  { key: 'search_one_letter_ms', label: "search 's'", fn: page({ search: 's' }) },
  {
    key: 'search_every_job_ms',
    label: `search '${EVERY_JOB}' (in every job)`,
    fn: page({ search: EVERY_JOB }),
  },
  {
    key: 'search_half_ms',
    label: `search '${HALF}' (about 1 job in 2)`,
    fn: page({ search: HALF }),
  },
  {
    key: 'search_one_in_eight_ms',
    label: `search '${ONE_IN_EIGHT}' (1 job in 8)`,
    fn: page({ search: ONE_IN_EIGHT }),
  },
  { key: 'search_rare_ms', label: `search '${RARE}' (1 in 10,000)`, fn: page({ search: RARE }) },
  { key: 'search_two_words_ms', label: "search 'otter dus'", fn: page({ search: 'otter dus' }) },
  {
    key: 'search_long_word_ms',
    label: "search 'cinematic' (9 letters, past the prefix indexes; about 1 job in 6)",
    fn: page({ search: 'cinematic' }),
  },
  { key: 'filter_favourite_ms', label: 'favourites, first page', fn: page({ favourite: true }) },
  {
    key: 'status_update_ms',
    label: 'one status update',
    fn: (l, i) => l.setState(`job-${(i * 7919) % 997}`, i % 2 ? 'done' : 'expired'),
  },
]

/** Other calls a session makes: none may take long either (the longest of all is recorded). */
const CALLS: [string, Call][] = [
  ["search 'her' + favourites", page({ search: 'her', favourite: true })],
  ["search 'lantern' + 9:16", page({ search: ONE_IN_EIGHT, aspectRatio: '9:16' })],
  ['live and needing attention', page({ states: [...LIVE, 'needs_attention'], limit: 500 })],
  ['failed jobs', page({ states: ['failed'] })],
  [
    'a week, newest first',
    (l) => l.list({ since: l.list({ limit: 1 }).jobs[0]!.createdAt - 7 * 86_400_000 }),
  ],
  ['page 200, unfiltered', page({ offset: 10_000 })],
  ['resolve a task id', (l, i) => l.resolve(String(900_000_000_000_000_000n + BigInt(i)))],
  ['children', (l) => l.children('job-6')],
  ['live()', (l) => l.live()],
  ['unsavedPage', (l) => l.unsavedPage(null, 500)],
  ['savedPage', (l) => l.savedPage(null, 500)],
  [
    'durations',
    (l) =>
      l.durations('text2video', {
        prompt: '',
        model_name: 'kling-v1',
        mode: 'pro',
        duration: '10',
      }),
  ],
  [
    'create',
    (l, i) =>
      l.create({
        request: { prompt: 'a heron at dusk, slow dolly in' },
        externalTaskId: `ks-new-${i}-${performance.now()}`,
      }),
  ],
  ['setFavourite', (l, i) => l.setFavourite(`job-${i * 31}`, i % 2 === 0)],
]

/**
 * Combinations built to be hard: each filter common, together rare (or a long word with a rare
 * filter), so the page must look through every row of its best source. Reported apart.
 */
const HARD: [string, Call][] = [
  ["search 'a' + needing attention (0.2%)", page({ search: 'a', states: ['needs_attention'] })],
  ['failed + kling-v1 + 1:1', page({ states: ['failed'], model: 'kling-v1', aspectRatio: '1:1' })],
  ["search 'fox' + favourites + 1:1", page({ search: 'fox', favourite: true, aspectRatio: '1:1' })],
  [
    "search 'cinematic' + needing attention",
    page({ search: 'cinematic', states: ['needs_attention'] }),
  ],
]

/** Three runs of `repeat` calls: the median of the runs' medians, and the runs' range. */
function measure(ledger: Ledger, fn: Call, repeat: number, seen: (ms: number) => void) {
  const runs: number[] = []
  for (let run = 0; run < 3; run++) {
    const times: number[] = []
    for (let i = 0; i < repeat; i++) {
      const t = performance.now()
      fn(ledger, run * repeat + i)
      const ms = performance.now() - t
      times.push(ms)
      seen(ms)
    }
    runs.push(median(times))
  }
  const range = `${Math.min(...runs).toFixed(3)}-${Math.max(...runs).toFixed(3)}`
  return { median: median(runs), spread: range }
}

/** The slowest of a set of calls, each made three times. */
function slowest(ledger: Ledger, calls: [string, Call][]): { label: string; ms: number } {
  let worst = { label: '', ms: 0 }
  for (const [label, fn] of calls) {
    for (let i = 0; i < 3; i++) {
      const t = performance.now()
      fn(ledger, i + 1)
      const ms = performance.now() - t
      if (ms > worst.ms) worst = { label, ms }
    }
  }
  return worst
}

const suffix = (size: number) => (size >= 1_000_000 ? `${size / 1_000_000}m` : `${size / 1000}k`)

async function benchSize(path: string, size: number, report: Reporter): Promise<Ledger> {
  const built = performance.now()
  const fillMs = buildHistory(path, size)
  report.row(
    `ledger @${suffix(size)}`,
    `built in ${((performance.now() - built) / 1000).toFixed(1)} s`,
    `spend sums priced and filled once in ${(fillMs / 1000).toFixed(1)} s`,
  )
  let worst = { label: '', ms: 0 }
  const open: Figure = {
    key: 'open_first_page_ms',
    label: 'open the file + first page',
    fn: () => {
      const l = new Ledger(path)
      l.list({ limit: 50 })
      l.close()
    },
  }
  const ledger = new Ledger(path)
  const at = suffix(size)
  const end = reportScan(ledger, at, report)
  for (const f of [open, ...FIGURES, ...spendFigures(end)]) {
    const seen = (ms: number) => {
      if (ms > worst.ms) worst = { label: f.label, ms }
    }
    const { median: ms, spread } = measure(ledger, f.fn, f === open ? 5 : 15, seen)
    report.record(`ledger.${f.key}_${at}`, ms, 'ms', `${f.label}; median of 3 runs (${spread} ms)`)
  }
  const other = slowest(ledger, CALLS)
  if (other.ms > worst.ms) worst = other
  report.record(`ledger.longest_call_ms_${at}`, worst.ms, 'ms', `${worst.label}; target ≤ 16 ms`)
  const hard = slowest(ledger, HARD)
  report.record(`ledger.hardest_combination_ms_${at}`, hard.ms, 'ms', hard.label)
  return ledger
}

/** The ledger section of npm run bench. */
export async function ledgerBench(dir: string, quick: boolean, report: Reporter): Promise<void> {
  const sizes = quick ? [1_000, 100_000] : [1_000, 100_000, 1_000_000]
  if (quick) report.row('ledger', 'quick: 1k and 100k only', 'the full run adds 1,000,000')
  const ledgers = new Map<number, Ledger>()
  for (const size of sizes) {
    ledgers.set(size, await benchSize(join(dir, `ledger-${size}.db`), size, report))
  }
  // One status update costs a fraction of a millisecond, so the machine's moods would decide a
  // ratio of two runs taken apart: the sizes take turns, round after round, and the medians count.
  const updates = new Map<number, number[]>(sizes.map((n) => [n, []]))
  for (let round = 0; round < 300; round++) {
    for (const [size, ledger] of ledgers) {
      const t = performance.now()
      ledger.setState(`job-${(round * 7919) % size}`, round % 2 ? 'done' : 'expired')
      updates.get(size)!.push(performance.now() - t)
    }
  }
  for (const ledger of ledgers.values()) ledger.close()
  const largest = sizes[sizes.length - 1]!
  await typingBench(join(dir, `ledger-${largest}.db`), suffix(largest), report)
  for (const size of sizes.slice(1)) {
    report.record(
      `ledger.update_ratio_${suffix(size)}_vs_1k`,
      median(updates.get(size)!) / median(updates.get(1_000)!),
      '×',
      'median of 300, sizes interleaved; target ≤ 2',
    )
  }
}

// Standalone: node scripts/run-ts.mjs test/bench/ledger-bench.ts [--quick]
if (process.argv[1]?.endsWith('ledger-bench.ts')) {
  const dir = await mkdtemp(join(tmpdir(), 'kling-ledger-bench-'))
  try {
    await ledgerBench(dir, process.argv.includes('--quick'), {
      record: (key, value, unit, note = '') =>
        console.log(key.padEnd(40), `${value?.toFixed(3)} ${unit}`.padEnd(14), note),
      row: (label, value, note = '') => console.log(label.padEnd(40), value.padEnd(14), note),
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
