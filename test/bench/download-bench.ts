import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, open, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { downloadFile } from '../../src/main/kling/download'
import type { Reporter } from './ledger-bench'

// The app's download (downloadFile: the real path, its watchdogs, the flush to disk and the
// whole-MP4 check) against curl writing the same file to the same disk, from a plain static file
// server in a process of its own that reads in 1 MB pieces, so the server is not what limits
// either. Ours is the command line's: node:http (kling/node-get.ts), no fetch injected. Beside
// them, Node's fetch reading the body into nothing: the ceiling of a download built on it. One
// untimed round to warm up, then three, the clients taking turns (and turns going first); the
// median of each is recorded with the spread, and the bench process's peak memory growth while ours runs. Ours flushes its file
// to disk before the rename and curl does not: the ratio is also given against curl's time plus
// flushing its file after.

const run = promisify(execFile)
const BYTES = 200 * 1024 * 1024
const ROUNDS = 3

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!
const spread = (xs: number[], digits = 2) =>
  `${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)}`

/** A real MP4 (ftyp, moov, mdat), then one "free" box filling the file up to `bytes`. */
export async function makeVideo(path: string, bytes: number): Promise<void> {
  const head = await readFile(resolve('resources/samples/16x9-5s.mp4'))
  const free = Buffer.alloc(16)
  free.writeUInt32BE(1, 0) // the size is the 64-bit one that follows the type
  free.write('free', 4, 'latin1')
  free.writeBigUInt64BE(BigInt(bytes - head.length), 8)
  const fh = await open(path, 'w')
  try {
    await fh.write(head)
    await fh.write(free)
    await fh.truncate(bytes)
    // On disk before anything is timed, as a server's file is: its writeback, due some 30 s
    // later, would otherwise land in the middle of the rounds (on whoever flushes: ours).
    await fh.sync()
  } finally {
    await fh.close()
  }
}

/** Starts test/bench/file-server.ts in a child process; resolves with its address. */
export async function startFileServer(file: string): Promise<{ url: string; stop(): void }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--experimental-strip-types',
      '--disable-warning=ExperimentalWarning',
      resolve('test/bench/file-server.ts'),
      file,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  )
  const port = await new Promise<number>((done, fail) => {
    let text = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      text += String(chunk)
      const m = /listening (\d+)/.exec(text)
      if (m) done(Number(m[1]))
    })
    child.once('exit', (code) => fail(new Error(`file server exited (${code})`)))
  })
  return { url: `http://127.0.0.1:${port}/video.mp4`, stop: () => void child.kill('SIGTERM') }
}

/** curl's time, and how long flushing its file to disk then takes (which curl does not do). */
async function timeCurl(url: string, dest: string): Promise<[number, number] | null> {
  try {
    const t = performance.now()
    await run('curl', ['-s', '-f', '-o', dest, url])
    const got = performance.now()
    const fh = await open(dest, 'r+')
    await fh.sync()
    await fh.close()
    return [(got - t) / 1000, (performance.now() - got) / 1000]
  } catch {
    return null // curl missing: the ratio is n/a, our own figure still stands
  }
}

/** Our time, the part after the last byte was written (flush, MP4 check, rename), peak growth. */
async function timeOurs(url: string, dest: string) {
  global.gc?.()
  const base = process.memoryUsage().rss
  let peak = base
  let body = 0
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5)
  const t = performance.now()
  try {
    await downloadFile({
      url,
      dest,
      onProgress: (p) => void (p.received === p.total && (body = performance.now())),
    })
    const end = performance.now()
    return { seconds: (end - t) / 1000, tail: (end - body) / 1000, growth: peak - base }
  } finally {
    clearInterval(sampler)
  }
}

/** Node's fetch reading the body into nothing: what any client built on it cannot beat here. */
async function timeBareFetch(url: string): Promise<number> {
  const t = performance.now()
  const reader = (await fetch(url)).body!.getReader()
  while (!(await reader.read()).done);
  return (performance.now() - t) / 1000
}

const CLIENTS = ['curl', 'ours', 'fetch'] as const

export async function downloadBench(dir: string, report: Reporter): Promise<void> {
  const source = join(dir, 'served.mp4')
  await makeVideo(source, BYTES)
  // And whatever earlier steps wrote (a fresh install's node_modules, the soak's files): their
  // writeback fell on the timed rounds in CI, on whoever flushes (ours).
  await run('sync').catch(() => {})
  const server = await startFileServer(source)
  const times: Record<(typeof CLIENTS)[number], number[]> = { curl: [], ours: [], fetch: [] }
  const growths: number[] = []
  const tails: number[] = []
  const curlSyncs: number[] = []
  try {
    // Round -1 warms up and is not timed: the server's first answers, the disk's first file and
    // Node compiling the download path made whoever went first 20-60% slower, whoever it was.
    for (let round = -1; round < ROUNDS; round++) {
      const timed = round >= 0
      // Turns rotate who goes first: none always meets another's writeback.
      for (let k = 0; k < CLIENTS.length; k++) {
        const who = CLIENTS[(round + 1 + k) % CLIENTS.length]!
        const dest = join(dir, `${who}.mp4`)
        if (who === 'curl') {
          const s = await timeCurl(server.url, dest)
          if (s !== null && timed) {
            times.curl.push(s[0])
            curlSyncs.push(s[1])
          }
        } else if (who === 'ours') {
          const { seconds, tail, growth } = await timeOurs(server.url, dest)
          // Memory counts from every round, the first one too.
          growths.push(growth / 1024 / 1024)
          if (timed) {
            times.ours.push(seconds)
            tails.push(tail)
          }
        } else {
          const seconds = await timeBareFetch(server.url)
          if (timed) times.fetch.push(seconds)
        }
        await rm(dest, { force: true })
      }
    }
  } finally {
    server.stop()
  }
  const { curl, ours, fetch: bare } = times
  const mb = BYTES / 1024 / 1024
  const said = (xs: number[]) =>
    `${median(xs).toFixed(2)} s (${spread(xs)}, ${(mb / median(xs)).toFixed(0)} MB/s)`
  report.row(
    'download',
    `${mb} MB in ${median(ours).toFixed(2)} s`,
    `ours (to disk, flushed, MP4 checked): ${said(ours)}, of which ${median(tails).toFixed(2)} s ` +
      'after the last byte; ' +
      (curl.length
        ? `curl -o to the same disk: ${said(curl)}, flushing its file after: ` +
          `${median(curlSyncs).toFixed(2)} s; `
        : 'curl missing; ') +
      `Node's fetch into nothing: ${said(bare)}; medians of ${ROUNDS}`,
  )
  const ratios = curl.length === ours.length ? curl.map((c, i) => c / ours[i]!) : []
  report.record(
    'download.throughput_ratio_vs_curl',
    curl.length ? median(curl) / median(ours) : null,
    '×',
    `ratio of medians; per round ${ratios.length ? spread(ratios) : 'n/a'}; target ≥ 0.8; ` +
      `bare fetch: ${curl.length ? (median(curl) / median(bare)).toFixed(2) : 'n/a'} ×`,
  )
  const flushed = curl.map((c, i) => c + curlSyncs[i]!)
  report.record(
    'download.throughput_ratio_vs_curl_flushed',
    curl.length ? median(flushed) / median(ours) : null,
    '×',
    'against curl -o plus flushing its file to disk after (ours includes its flush); ratio of medians',
  )
  report.record(
    'download.peak_rss_growth_mb',
    Math.max(...growths),
    'MB',
    `the largest of ${growths.length} downloads (${spread(growths, 1)} MB); target < 50 MB`,
  )
}

// Standalone: node scripts/run-ts.mjs test/bench/download-bench.ts
if (process.argv[1]?.endsWith('download-bench.ts')) {
  const dir = await mkdtemp(join(tmpdir(), 'kling-download-bench-'))
  try {
    await downloadBench(dir, {
      record: (key, value, unit, note = '') =>
        console.log(key.padEnd(36), `${value?.toFixed(3)} ${unit}`.padEnd(12), note),
      row: (label, value, note = '') => console.log(label.padEnd(36), value.padEnd(12), note),
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
