import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import type { Emulator } from '../../src/main/emulator/options'
import { startEmulator } from '../../src/main/emulator/server'
import { MemorySecretStore } from '../../src/main/secrets/secret-store'
import type { Harness } from './harness'
import { chromiumAvailable as available, e2eSuite } from './session'
import { overflowProblems, shotMatrix } from './shots'

// The app shell in Chromium against the real main services: first run tests the key with the
// service (an emulator that takes one key only, and an address nobody answers at), and the
// welcome and settings screens pass the screenshot matrix (two sizes, two themes, axe, no
// sideways overflow) in English and Indonesian.

const GOOD = 'sk-shell-accepted-key-5c20'
const WRONG = 'sk-shell-wrong-key-0b77'

/** Takes GOOD only, as the service takes only keys it issued. */
const suite = e2eSuite('shell', { timeScale: 300, seed: 12, key: GOOD })

const harness = (secrets: MemorySecretStore, service?: Emulator): Promise<Harness> =>
  suite.harness({ secrets, emulator: service })

const open = (h: Harness, locale = 'en-US'): Promise<Page> => suite.open(h, { locale })

describe.skipIf(!available)('the app shell in Chromium', () => {
  it('first run: a refused key keeps the welcome screen and is forgotten; a good one goes on', async () => {
    const secrets = new MemorySecretStore()
    const page = await open(await harness(secrets))
    await page.getByRole('heading', { name: 'Welcome to Kling Studio' }).waitFor()
    for (const name of ['Create', 'Queue', 'Library', 'Settings'])
      expect(await page.getByRole('button', { name, exact: true }).isDisabled()).toBe(true)
    const link = page.getByRole('link', { name: /Get a CometAPI key/ })
    expect(await link.getAttribute('href')).toBe('https://www.cometapi.com/console/token')
    expect(await link.getAttribute('target')).toBe('_blank')

    await page.getByLabel('CometAPI key').fill(WRONG)
    await page.getByRole('button', { name: 'Save key and start' }).click()
    const error = page.locator('#welcome-key-error')
    await error.waitFor()
    expect(await error.textContent()).toMatch(/CometAPI did not accept this key/)
    // The emulator's own request id, as the service gives one with every answer.
    expect(await error.textContent()).toMatch(/request id [0-9a-f-]{36}/)
    expect(await secrets.get()).toBeNull()
    expect(await page.getByLabel('CometAPI key').inputValue()).toBe('')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('welcome-key')
    expect(await page.content()).not.toContain(WRONG)
    expect(await page.getByRole('button', { name: 'Library', exact: true }).isDisabled()).toBe(true)
    expect(await shotMatrix(page, 'en-welcome-refused')).toEqual([])

    await page.getByLabel('CometAPI key').fill(GOOD)
    await page.getByRole('button', { name: 'Save key and start' }).click()
    await page.getByRole('heading', { name: 'Create a video' }).waitFor()
    expect(await secrets.get()).toBe(GOOD)
    expect(await page.getByRole('button', { name: 'Library', exact: true }).isDisabled()).toBe(
      false,
    )
    expect(await page.locator('.badge.sandbox').count()).toBe(0)
    await page.context().close()
  }, 120_000)

  it('first run: a service nobody answers says so, keeps the key and lets the person go on', async () => {
    // An address that was just given up: connecting is refused there.
    const gone = await startEmulator({ timeScale: 300 })
    await gone.close()
    const secrets = new MemorySecretStore()
    const page = await open(await harness(secrets, gone))
    await page.getByLabel('CometAPI key').fill(GOOD)
    await page.getByRole('button', { name: 'Save key and start' }).click()
    const box = page.getByRole('alert').filter({ hasText: 'The key could not be checked.' })
    await box.waitFor({ timeout: 30_000 })
    expect(await box.textContent()).toMatch(/The service could not be reached\./)
    expect(await box.textContent()).toMatch(/ECONNREFUSED/)
    expect(await secrets.get()).toBe(GOOD)
    expect(await shotMatrix(page, 'en-welcome-unreachable')).toEqual([])
    await page.getByRole('button', { name: 'Continue anyway' }).click()
    await page.getByRole('heading', { name: 'Create a video' }).waitFor()

    await page.getByRole('button', { name: 'Settings', exact: true }).click()
    await page.getByRole('button', { name: 'Test key' }).click()
    const result = page.locator('#key-test-result')
    await result.waitFor({ timeout: 30_000 })
    expect(await result.textContent()).toMatch(
      new RegExp(`^Could not reach ${gone.url.replace(/[.]/g, '\\.')}\\..*ECONNREFUSED`),
    )
    expect(await page.content()).not.toContain(GOOD)
    await page.context().close()
  }, 120_000)

  for (const [locale, lang] of [
    ['en-US', 'en'],
    ['id-ID', 'id'],
  ] as const) {
    it(`welcome and settings pass the matrix in ${locale}`, async () => {
      const welcome = await open(await harness(new MemorySecretStore()), locale)
      await welcome.locator('#welcome-title').waitFor()
      expect(await welcome.evaluate(() => document.documentElement.lang)).toBe(lang)
      expect(await shotMatrix(welcome, `${lang}-welcome`)).toEqual([])
      await welcome.context().close()

      const page = await open(await harness(new MemorySecretStore(GOOD)), locale)
      await page.getByRole('button', { name: lang === 'id' ? 'Pengaturan' : 'Settings' }).click()
      await page.locator('#settings-title').waitFor()
      await page.getByRole('button', { name: lang === 'id' ? 'Uji kunci' : 'Test key' }).click()
      const result = page.locator('#key-test-result')
      await result.waitFor()
      expect(await result.textContent()).toMatch(
        lang === 'id' ? /^Kunci berfungsi di http:\/\/127\.0\.0\.1/ : /^The key works at http/,
      )
      expect(await result.textContent()).toMatch(/[0-9a-f-]{36}/)
      expect(await page.content()).not.toContain(GOOD)
      expect(await shotMatrix(page, `${lang}-settings`)).toEqual([])

      // The overflow check sees what it is there to see: a box wider than the window.
      await page.evaluate(() => {
        const wide = document.createElement('div')
        wide.id = 'too-wide'
        wide.style.width = '3000px'
        wide.textContent = 'x'
        document.querySelector('.settings')!.append(wide)
      })
      expect((await overflowProblems(page, 'probe')).join('\n')).toMatch(
        /probe: .content scrolls sideways[\s\S]*div#too-wide is 3000px wide/,
      )
      await page.context().close()
    }, 120_000)
  }
})
