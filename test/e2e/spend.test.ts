import type { Locator, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { MemorySecretStore } from '../../src/main/secrets/secret-store'
import { en, type MessageKey } from '../../src/renderer/src/i18n/en'
import { id } from '../../src/renderer/src/i18n/id'
import { chromiumAvailable, e2eSuite } from './session'
import { overflowSweep, shotMatrix } from './shots'

// Money in Chromium against the real main services and the emulator, in each language: the
// Spending view of a new history, two videos made (the emulator charges what the price table
// says), caps and a price set in Settings, the Spending view with its charges, and a Generate
// that would pass the daily cap: it asks, sends nothing until "anyway", then sends once. Every
// screen passes the screenshot matrix (1024x700 and 1920x1080, light and dark, axe, overflow).

const KEY = 'sk-spend-e2e-key-71c3'
const suite = e2eSuite('spend', { timeScale: 300, seed: 31 })

/** The finished tiles of the feed's newest group. */
function doneTiles(page: Page): Locator {
  return page
    .locator('.feed-group')
    .first()
    .locator('.tile')
    .filter({ has: page.locator('video, img') })
}

async function step(page: Page, problems: string[], name: string): Promise<void> {
  // A notice of an earlier step would stand in every picture: dismissed first.
  const notice = page.locator('.notice-region button')
  if ((await notice.count()) > 0) await notice.click()
  problems.push(...(await shotMatrix(page, name)))
  problems.push(...(await overflowSweep(page, name)))
}

describe.skipIf(!chromiumAvailable)('spending in Chromium', () => {
  for (const language of ['en', 'id'] as const) {
    it(`in ${language === 'en' ? 'English' : 'Indonesian'}`, async () => {
      const t = (key: MessageKey, params: Record<string, string | number> = {}) =>
        (language === 'en' ? en : id)[key].replace(/\{(\w+)\}/g, (_, k: string) =>
          String(params[k]),
        )
      const nav = (key: MessageKey) =>
        page.getByRole('button', { name: t(key), exact: true }).click()
      const h = await suite.harness({ secrets: new MemorySecretStore(KEY) })
      const page = await suite.open(h, {
        locale: language === 'en' ? 'en-US' : 'id-ID',
        viewport: { width: 1280, height: 820 },
      })
      const problems: string[] = []
      const name = (s: string) => `${language}-spend-${s}`
      const tasksBefore = suite.emulator.tasks().length

      // A new history: nothing spent yet, said plainly.
      await page.getByRole('heading', { name: t('compose.title') }).waitFor()
      await nav('nav.spend')
      await page.getByRole('heading', { name: t('spend.empty.title') }).waitFor()
      await step(page, problems, name('empty'))

      // Two takes of a model the table prices: 2 units each, charged once made.
      await nav('nav.compose')
      await page
        .getByLabel(t('compose.prompt'), { exact: true })
        .fill('A paper boat on a rainy street')
      await page.getByLabel(t('compose.model'), { exact: true }).selectOption('kling-v1-6')
      await page.getByRole('radio', { name: '2', exact: true }).check()
      await page.getByText(t('create.cost', { n: 4 })).waitFor()
      await page.getByRole('button', { name: t('create.generateTakes', { n: 2 }) }).click()
      await expect.poll(() => doneTiles(page).count(), { timeout: 90_000 }).toBe(2)

      // Caps and a price, in Settings' Spending section.
      await nav('nav.settings')
      const section = page.getByRole('region', { name: t('budget.title') })
      await section.getByLabel(t('budget.daily')).fill('5')
      await section.getByLabel(t('budget.monthly')).fill('120')
      await section.getByLabel(t('budget.price')).fill(language === 'en' ? '0.14' : '0,13')
      await section.getByLabel(t('budget.currency')).selectOption(language === 'en' ? 'USD' : 'EUR')
      await section.getByRole('button', { name: t('budget.save') }).click()
      await expect
        .poll(() => page.locator('.notice-region').textContent())
        .toContain(t('settings.saved'))
      await section.scrollIntoViewIfNeeded()
      await step(page, problems, name('settings'))

      // What was charged, against the caps, with money.
      await nav('nav.spend')
      const today = page.getByRole('region', { name: t('spend.today') })
      await expect
        .poll(() => today.locator('.spend-big').textContent(), { timeout: 20_000 })
        .toBe(t('spend.units', { n: 4 }))
      await expect
        .poll(() => today.locator('.spend-money').textContent())
        .toBe(language === 'en' ? '$0.56' : '€0,52')
      await page.locator('.chart-svg').waitFor()
      expect(await page.locator('.chart-bar').count()).toBe(30)
      await step(page, problems, name('view'))
      await page.getByRole('radio', { name: t('spend.chart.months'), exact: true }).check()
      expect(await page.locator('.chart-bar').count()).toBe(12)
      await page.getByText(t('spend.chart.figures')).click()
      await page.getByRole('table').waitFor()
      await page.getByRole('table').scrollIntoViewIfNeeded()
      await step(page, problems, name('months'))

      // Two more takes would make 8 units today, over the cap of 5: it asks, and sends nothing.
      await nav('nav.compose')
      await page
        .getByLabel(t('compose.prompt'), { exact: true })
        .fill('A paper boat reaches the sea')
      await page.getByText(t('spend.note.daily')).waitFor()
      await step(page, problems, name('create-capped'))
      await page.getByRole('button', { name: t('create.generateTakes', { n: 2 }) }).click()
      const dialog = page.getByRole('dialog', { name: t('spend.ask.title.daily') })
      await dialog.waitFor()
      expect(suite.emulator.tasks().length).toBe(tasksBefore + 2)
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
        t('common.cancel'),
      )
      await step(page, problems, name('over-budget'))

      // Deliberately: it goes, once.
      await dialog.getByRole('button', { name: t('spend.ask.anyway.generate') }).click()
      await dialog.waitFor({ state: 'detached' })
      await expect.poll(() => page.locator('.feed-group').count(), { timeout: 20_000 }).toBe(2)
      await expect
        .poll(() => suite.emulator.tasks().length, { timeout: 20_000 })
        .toBe(tasksBefore + 4)

      expect(problems).toEqual([])
      expect(await page.content()).not.toContain(KEY)
      await page.context().close()
    }, 300_000)
  }
})
