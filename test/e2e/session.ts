import { existsSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'
import type { Harness } from './harness'

// Debian's Chromium for the end-to-end suites: where it is, how it is started, and how a page is
// opened on a harness with the browser bridge in place of Electron's preload.

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
