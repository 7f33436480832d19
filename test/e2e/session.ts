import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import type { Emulator, EmulatorOptions } from '../../src/main/emulator/options'
import { startEmulator } from '../../src/main/emulator/server'
import { buildBrowserBridge } from './build-bridge'
import { startHarness, type Harness, type HarnessOptions } from './harness'

// Debian's Chromium for the end-to-end suites: where it is, how it is started, how a page is
// opened on a harness with the browser bridge in place of Electron's preload, and the setup and
// clean-up every end-to-end file shares (e2eSuite).

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const chromiumAvailable = existsSync(CHROMIUM)
if (!chromiumAvailable && process.env.CI)
  throw new Error(`Chromium is missing at ${CHROMIUM}: .ci/run installs Debian's chromium`)

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--autoplay-policy=no-user-gesture-required',
    ],
  })
}

export interface OpenOptions {
  locale?: string
  viewport?: { width: number; height: number }
}

/** A fresh browser context on the harness: its own storage, the bridge as window.api. */
export async function openPage(
  browser: Browser,
  bridge: string,
  h: Harness,
  options: OpenOptions = {},
): Promise<Page> {
  const context = await browser.newContext({
    locale: options.locale ?? 'en-US',
    viewport: options.viewport ?? { width: 1280, height: 820 },
  })
  await context.addInitScript({ path: bridge })
  const page = await context.newPage()
  page.on('pageerror', (error) => {
    throw error
  })
  await page.goto(h.url)
  return page
}

/** What one end-to-end file shares: its browser, bridge and emulator, and what it must clean up. */
export interface Suite {
  readonly browser: Browser
  readonly bridge: string
  readonly emulator: Emulator
  /** A temporary folder, removed after the file's tests. */
  tempDir(prefix: string): Promise<string>
  /** The real main services on a data folder (a new temporary one unless given), closed after. */
  harness(
    options: Omit<HarnessOptions, 'dataDir' | 'emulator'> & SuiteHarnessOptions,
  ): Promise<Harness>
  open(h: Harness, options?: OpenOptions): Promise<Page>
}

interface SuiteHarnessOptions {
  dataDir?: string
  emulator?: Emulator
}

/**
 * Starts, for one test file, the browser bridge, an emulator with these options and Chromium
 * (before its tests; nothing when Chromium is missing), and stops them and removes every harness
 * and folder it made after them.
 */
export function e2eSuite(name: string, emulatorOptions: EmulatorOptions): Suite {
  const dirs: string[] = []
  const harnesses: Harness[] = []
  const state = {} as { browser: Browser; bridge: string; emulator: Emulator }
  beforeAll(async () => {
    if (!chromiumAvailable) return
    state.bridge = await buildBrowserBridge(resolve(`test-results/.e2e-${name}`))
    state.emulator = await startEmulator(emulatorOptions)
    state.browser = await launchChromium()
  }, 120_000)
  afterAll(async () => {
    for (const h of harnesses) await h.close().catch(() => {})
    await state.browser?.close()
    await state.emulator?.close()
    for (const d of dirs) await rm(d, { recursive: true, force: true })
  })
  const tempDir = async (prefix: string) => {
    const d = await mkdtemp(join(tmpdir(), prefix))
    dirs.push(d)
    return d
  }
  return {
    get browser() {
      return state.browser
    },
    get bridge() {
      return state.bridge
    },
    get emulator() {
      return state.emulator
    },
    tempDir,
    async harness({ dataDir, emulator, ...rest }) {
      const h = await startHarness({
        ...rest,
        dataDir: dataDir ?? (await tempDir(`kling-${name}-`)),
        emulator: emulator ?? state.emulator,
      })
      harnesses.push(h)
      return h
    },
    open: (h, options) => openPage(state.browser, state.bridge, h, options),
  }
}
