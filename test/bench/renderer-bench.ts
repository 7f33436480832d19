import { existsSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import type { Browser, Page } from 'playwright-core'
import { startEmulator } from '../../src/main/emulator/server'
import { Ledger } from '../../src/main/tasks/ledger'
import { LOOK_KEY } from '../../src/shared/first-look'
import type { Reporter } from './ledger-bench'

// The built renderer in Chromium against the real main services (test/e2e/harness.ts) on a
// 10,000-job history: what it ships, its first view (a returning person's, and a first start's)
// beside a blank page opened in the same browser run (three runs of seven of each, taking turns,
// each in a fresh context, so starting the browser counts for none; single loads here vary by
// half their time), then the library's DOM size and frames while it scrolls.

/** Runs reported (the median of their medians, and their spread); loads of each kind per run. */
const ROUNDS = 3
const PER_ROUND = 7
const BLANK = '<!doctype html><title>Blank</title><h1 data-blank>Blank</h1>'

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!
const spread = (xs: number[]) => `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}`

// The minifier writes module names in double quotes or backticks.
const STATIC_IMPORT = /import\s*(?:[^"`();]*?from\s*)?["`]\.\/([^"`]+\.js)["`]/g
const DYNAMIC_IMPORT = /import\(\s*["`]\.\/([^"`]+\.js)["`]\s*\)/g

/** A built chunk and every chunk it imports statically, transitively (file names in assets/). */
async function withStatic(file: string, seen: Set<string>): Promise<void> {
  if (seen.has(file)) return
  seen.add(file)
  const code = await readFile(resolve('out/renderer/assets', file), 'utf8')
  for (const m of code.matchAll(STATIC_IMPORT)) await withStatic(m[1]!, seen)
}

/**
 * The JavaScript that runs before the app can draw, raw and gzipped (KB): index.html's entry, what
 * it imports at once (src/start.ts imports the shell), and their static imports. The views' own
 * chunks (React.lazy) come after, the first one beside the start-up calls.
 */
async function bundle(report: Reporter): Promise<void> {
  const html = await readFile(resolve('out/renderer/index.html'), 'utf8')
  const entries = [...html.matchAll(/src="\.?\/?assets\/([^"]+\.js)"/g)].map((m) => m[1]!)
  const files = new Set<string>()
  for (const entry of entries) {
    await withStatic(entry, files)
    const code = await readFile(resolve('out/renderer/assets', entry), 'utf8')
    for (const m of code.matchAll(DYNAMIC_IMPORT)) await withStatic(m[1]!, files)
  }
  let raw = 0
  let gz = 0
  for (const f of files) {
    const bytes = await readFile(resolve('out/renderer/assets', f))
    raw += bytes.length
    gz += gzipSync(bytes).length
  }
  report.record('renderer.initial_js_kb', raw / 1024, 'KB', `${files.size} file(s), minified`)
  report.record('renderer.initial_js_gzip_kb', gz / 1024, 'KB', 'target < 250 KB')
}

/** A history of 10,000 saved videos, all pointing at one sample file. */
async function history(data: string): Promise<void> {
  await mkdir(join(data, 'library'), { recursive: true })
  const sample = join(data, 'library', 'sample.mp4')
  await copyFile(resolve('resources/samples/16x9-5s.mp4'), sample)
  const ledger = new Ledger(join(data, 'history.db'))
  ledger.db.exec('PRAGMA synchronous = OFF')
  for (let i = 0; i < 10_000; i++) {
    ledger.importSaved({
      id: `r-${i}`,
      externalTaskId: `ks-r-${i}`,
      taskId: String(i + 1),
      request: { prompt: `Scene ${i}: a heron at dawn`, aspect_ratio: '16:9' },
      sandbox: false,
      favourite: false,
      createdAt: 1_770_000_000_000 + i,
      submittedAt: null,
      finishedAt: null,
      units: '1',
      video: null,
      file: sample,
      bytes: 1,
    })
  }
  ledger.close()
}

/**
 * Run in every page before its own scripts: when each heading was first painted, by the page's
 * own paint timing (Element Timing: the time the frame holding it was presented; 0 = the
 * navigation's start), so the figures hold no Playwright round trips and count the frame's own
 * style, layout and raster. Every <h1> gets an `elementtiming` name as it enters the document,
 * before any frame: "picture" for the first view's heading in index.html's picture of it
 * (shared/first-look.ts), "live" for it in the live view (Create, or Welcome without a key; a
 * blank page's own <h1>), "frame" for any other (the start frame's). window.__paint keeps the
 * first time of each. An earlier version took the time of the frame in which the heading was
 * laid out, from requestAnimationFrame: that frame's start, before its style, layout and raster,
 * which the blank page hardly has and the app's first view has 60-100 ms of.
 */
const PAINT_WATCH = `(() => {
  const VIEW = '#compose-title, #welcome-title, h1[data-blank]'
  const name = (h) =>
    !h.matches(VIEW) ? 'frame' : h.closest('[data-first-picture]') ? 'picture' : 'live'
  const mark = (node) => {
    const all = node.matches('h1') ? [node] : node.querySelectorAll('h1')
    for (const h of all) if (!h.hasAttribute('elementtiming')) h.setAttribute('elementtiming', name(h))
  }
  window.__paint = {}
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) if (n.nodeType === 1) mark(n)
  }).observe(document, { childList: true, subtree: true })
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const t = e.renderTime || e.loadTime
      if (!(e.identifier in window.__paint)) window.__paint[e.identifier] = t
      if (e.identifier !== 'frame' && !('frame' in window.__paint)) window.__paint.frame = t
    }
  }).observe({ type: 'element', buffered: true })
})()`

/** What a person who last opened on Create left in the page's storage (English, system theme). */
const RETURNING = `localStorage.setItem(${JSON.stringify(LOOK_KEY)}, ${JSON.stringify(
  JSON.stringify({ language: 'en', theme: 'system', create: true }),
)})`

interface View {
  /** Navigation start to the first view's heading on screen, in the page (ms). */
  painted: number
  /** Whether that heading was the picture's (index.html's) rather than the live view's. */
  fromPicture: boolean
  /** The same for the live view's heading (the shell's own, taking input) (ms). */
  live: number
  /** Navigation start to any heading on screen (the app's start frame) (ms). */
  frame: number
  /** The same from outside, goto to Playwright seeing the live heading (ms). */
  outside: number
  /** From the navigation's start: the first calls sent, answered; the shell's code in. */
  script: number | null
  sent: number | null
  calls: number | null
}

/** A fresh context opened on `url` (left open), and when its first heading showed. */
async function navigate(browser: Browser, url: string, bridge: string | null, returning = false) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 } })
  await context.addInitScript(PAINT_WATCH)
  if (returning) await context.addInitScript(RETURNING)
  if (bridge) await context.addInitScript({ path: bridge })
  const page = await context.newPage()
  const t = performance.now()
  await page.goto(url)
  const heading = page.locator(
    ':is(#compose-title, #welcome-title, h1[data-blank]):not([data-first-picture] *)',
  )
  await heading.waitFor()
  const outside = performance.now() - t
  await page.waitForFunction(() => 'live' in (window as unknown as { __paint: object }).__paint)
  const inside = await page.evaluate(() => {
    const paint = (window as unknown as { __paint: Record<string, number | undefined> }).__paint
    const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[]
    // The calls the page waits for before its first view (src/renderer/src/boot.ts).
    const boot = ['app.info', 'settings.get', 'key.status'].map((c) =>
      entries.find((e) => e.name.endsWith(encodeURIComponent(`kling:call:${c}`))),
    )
    // The shell's code: the last JavaScript to arrive (the page's first script sends the calls).
    const scripts = entries.filter((e) => /\/assets\/.*\.js$/.test(e.name))
    const script = scripts.length
      ? scripts.reduce((a, b) => (a.responseEnd > b.responseEnd ? a : b))
      : null
    return {
      painted: Math.min(paint.picture ?? Infinity, paint.live!),
      fromPicture: paint.picture !== undefined && paint.picture <= paint.live!,
      live: paint.live!,
      frame: paint.frame!,
      script: script ? script.responseEnd : null,
      sent: boot.every(Boolean) ? Math.min(...boot.map((e) => e!.startTime)) : null,
      calls: boot.every(Boolean) ? Math.max(...boot.map((e) => e!.responseEnd)) : null,
    }
  })
  return { view: { ...inside, outside } as View, page }
}

type Kind = 'app' | 'fresh' | 'blank'
/** Who goes first turns each round (none always meets another's leftovers). */
const ORDERS: readonly (readonly Kind[])[] = [
  ['blank', 'app', 'fresh'],
  ['app', 'fresh', 'blank'],
  ['fresh', 'blank', 'app'],
]

/**
 * The first view (a returning person, and a first start with nothing remembered) and a blank page,
 * ROUNDS runs of PER_ROUND each, taking turns; returns the last returning person's page.
 */
async function firstView(browser: Browser, app: string, bridge: string, report: Reporter) {
  const server = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(BLANK),
  )
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const blankUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  // views[kind][round]: the navigations of one run.
  const views: Record<Kind, View[][]> = { app: [], fresh: [], blank: [] }
  let last: Page | null = null
  try {
    // One navigation first, not counted: the browser's own first-page costs belong to neither.
    await (await navigate(browser, blankUrl, null)).page.context().close()
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of ['app', 'fresh', 'blank'] as const) views[kind].push([])
      for (let n = 0; n < PER_ROUND; n++) {
        for (const kind of ORDERS[(round * PER_ROUND + n) % ORDERS.length]!) {
          const blank = kind === 'blank'
          const { view, page } = await navigate(
            browser,
            blank ? blankUrl : app,
            blank ? null : bridge,
            kind === 'app',
          )
          // A slow first frame may still be on its way when the live view replaces the picture:
          // then the picture is never seen, and the live view is the first view.
          if (view.fromPicture && kind !== 'app') throw new Error(`${kind}: the picture was shown`)
          views[kind][round]!.push(view)
          if (kind === 'app' && round === ROUNDS - 1 && n === PER_ROUND - 1) last = page
          else await page.context().close()
        }
      }
    }
  } finally {
    server.close()
  }
  reportFirstView(views, report)
  return last!
}

function reportFirstView(views: Record<Kind, View[][]>, report: Reporter): void {
  /** Each run's median of one figure. */
  const of = (kind: Kind, k: keyof View) =>
    views[kind].map((run) => median(run.map((v) => Number(v[k] ?? NaN))))
  const at = (k: keyof View, kind: Kind = 'app') => median(of(kind, k)).toFixed(0)
  const runs = `median of ${ROUNDS} runs`
  const [picture, live, blank] = [of('app', 'painted'), of('app', 'live'), of('blank', 'painted')]
  const loads = views.app.flat()
  const seen = loads.filter((v) => v.fromPicture).length
  // A slow frame may miss now and then; a picture missing from most loads is a fault.
  if (seen * 2 < loads.length)
    throw new Error(`the picture was shown in only ${seen} of ${loads.length} loads`)
  report.record(
    'renderer.first_picture_ms',
    median(picture),
    'ms',
    `navigation start to the Create view's heading on screen (paint timing), for a person who ` +
      `last opened on Create: index.html's picture of it (inert), first in ${seen} of ` +
      `${loads.length} loads (else the live view); ${runs} (${spread(picture)}), each the median ` +
      `of ${PER_ROUND}`,
  )
  report.record(
    'renderer.first_view_ms',
    median(live),
    'ms',
    `the same for the live view (the shell's, taking input), 10k-job history; ${runs} ` +
      `(${spread(live)}); seen from Playwright: ${at('outside')} ms`,
  )
  const fresh = of('fresh', 'live')
  report.record(
    'renderer.first_start_view_ms',
    median(fresh),
    'ms',
    `a first start, nothing remembered: the live view; ${runs} (${spread(fresh)})`,
  )
  const frame = of('fresh', 'frame')
  report.record(
    'renderer.start_frame_ms',
    median(frame),
    'ms',
    `that first start's frame and name, painted by index.html before any script; ${runs} ` +
      `(${spread(frame)}); ${(median(frame) / median(blank)).toFixed(2)} × the blank page`,
  )
  report.row(
    'renderer.first_view, where it goes',
    `calls sent at ${at('sent')} ms`,
    `the first three, by the page's first script; answered at ${at('calls')} ms; the shell's ` +
      `code in at ${at('script')} ms; live view painted at ${at('live')} ms (medians from ` +
      `navigation start)`,
  )
  report.record(
    'renderer.blank_page_ms',
    median(blank),
    'ms',
    `a one-heading page from a loopback server, same browser, same measure; ${runs} ` +
      `(${spread(blank)}); seen from Playwright: ${at('outside', 'blank')} ms`,
  )
  report.record(
    'renderer.first_picture_vs_blank',
    median(picture) / median(blank),
    '×',
    'ratio of medians; target ≤ 1.3',
  )
  report.record(
    'renderer.first_view_vs_blank',
    median(live) / median(blank),
    '×',
    `ratio of medians, the live view; target ≤ 1.3; a first start's: ` +
      `${(median(fresh) / median(blank)).toFixed(2)} ×`,
  )
}

/** The library with 10,000 videos: its DOM size, and frames scrolling against standing still. */
async function library(page: Page, report: Reporter): Promise<void> {
  await page.getByRole('button', { name: 'Library' }).click()
  await page.getByRole('button', { name: /Play Scene 9999/ }).waitFor()
  report.record(
    'renderer.library_10k_dom_nodes',
    await page.evaluate(() => document.querySelectorAll('*').length),
    '',
    'whole document, 10,000 videos',
  )
  // Headless software rendering sets a floor that says nothing about the grid: hence the ratio.
  const frames = (scroll: boolean) =>
    page.evaluate(async (scroll) => {
      const grid = document.querySelector('[data-testid="library-grid"]')!
      const times: number[] = []
      await new Promise((r) => requestAnimationFrame(r))
      let last = performance.now()
      for (let i = 0; i < 120; i++) {
        if (scroll) grid.scrollTop += 180
        await new Promise((r) => requestAnimationFrame(r))
        const now = performance.now()
        times.push(now - last)
        last = now
      }
      return times.sort((a, b) => a - b)
    }, scroll)
  const idle = await frames(false)
  const scrolled = await frames(true)
  const p95 = (xs: number[]) => xs[Math.floor(xs.length * 0.95)]!
  report.record(
    'renderer.scroll_frame_ms_p95',
    p95(scrolled),
    'ms',
    `median ${median(scrolled).toFixed(1)} ms over 120 frames, a row scrolled each`,
  )
  report.record(
    'renderer.idle_frame_ms_p95',
    p95(idle),
    'ms',
    `median ${median(idle).toFixed(1)} ms: the same page standing still`,
  )
  report.record(
    'renderer.scroll_vs_idle_frame_median',
    median(scrolled) / median(idle),
    '×',
    'what scrolling adds to a frame here',
  )
}

export async function rendererBench(dir: string, report: Reporter): Promise<void> {
  if (!existsSync(resolve('out/renderer/index.html'))) throw new Error('build first: npm run build')
  await bundle(report)
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  if (!existsSync(chromium)) {
    for (const key of [
      'first_picture_ms',
      'first_view_ms',
      'first_start_view_ms',
      'start_frame_ms',
      'blank_page_ms',
      'first_picture_vs_blank',
      'first_view_vs_blank',
      'library_10k_dom_nodes',
      'scroll_frame_ms_p95',
    ])
      report.record(`renderer.${key}`, null, '', 'Chromium missing')
    return
  }
  const { chromium: pw } = await import('playwright-core')
  const { startHarness } = await import('../e2e/harness')
  const { buildBrowserBridge } = await import('../e2e/build-bridge')
  const { MemorySecretStore } = await import('../../src/main/secrets/secret-store')
  const bridge = await buildBrowserBridge(join(dir, 'bridge'))
  const data = join(dir, 'renderer-data')
  await history(data)
  const emulator = await startEmulator({})
  const harness = await startHarness({
    dataDir: data,
    emulator,
    secrets: new MemorySecretStore('sk-bench-key-0000'),
  })
  const browser = await pw.launch({
    executablePath: chromium,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  })
  try {
    await library(await firstView(browser, harness.url, bridge, report), report)
  } finally {
    await browser.close()
    await harness.close()
    await emulator.close()
  }
}

// Standalone (after npm run build): node scripts/run-ts.mjs test/bench/renderer-bench.ts
if (process.argv[1]?.endsWith('renderer-bench.ts')) {
  const dir = await mkdtemp(join(tmpdir(), 'kling-renderer-bench-'))
  try {
    await rendererBench(dir, {
      record: (key, value, unit, note = '') =>
        console.log(key.padEnd(36), `${value?.toFixed(3)} ${unit}`.padEnd(14), note),
      row: (label, value, note = '') => console.log(label.padEnd(36), value.padEnd(14), note),
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
