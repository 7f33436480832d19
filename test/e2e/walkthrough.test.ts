import { readdir } from 'node:fs/promises'
import type { Locator, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { MemorySecretStore } from '../../src/main/secrets/secret-store'
import { en, type MessageKey } from '../../src/renderer/src/i18n/en'
import { id } from '../../src/renderer/src/i18n/id'
import { chromiumAvailable, e2eSuite } from './session'
import { overflowSweep, shotMatrix } from './shots'

// A creator's walkthrough, as a new person would try it, in each language: set the key, write a
// prompt, generate four takes and watch them arrive in place, compare them and pick one, continue
// one from its last frame, extend another, leave and come back to find the draft, search the
// library, select several and export them. Every step is screenshotted at 1024x700 and
// 1920x1080 in both themes, with axe-core and the overflow check at each, and checked for overflow
// at 1280, 1600 and 2560 px wide too.

const KEY = 'sk-walkthrough-key-4e1d'
const PROMPT = 'A red kite over a windy beach at golden hour'
const DRAFT = 'A night market in the rain, lanterns swaying'

/** Slow enough (a take takes seconds) that a running tile can be seen before it turns into video. */
const suite = e2eSuite('walkthrough', { timeScale: 40, seed: 21 })

/** Every problem the matrix finds at one step, collected so one run reports them all. */
async function step(page: Page, problems: string[], name: string): Promise<void> {
  problems.push(...(await shotMatrix(page, name)))
  problems.push(...(await overflowSweep(page, name)))
}

/** The finished tiles of the feed's newest group. */
function doneTiles(page: Page): Locator {
  return page
    .locator('.feed-group')
    .first()
    .locator('.tile')
    .filter({ has: page.locator('video, img') })
}

describe.skipIf(!chromiumAvailable)('a creator’s walkthrough in Chromium', () => {
  for (const language of ['en', 'id'] as const) {
    it(`in ${language === 'en' ? 'English' : 'Indonesian'}`, async () => {
      // The page's own words, from its catalogues, so the walk reads the same in each language.
      const t = (key: MessageKey, params: Record<string, string | number> = {}) =>
        (language === 'en' ? en : id)[key].replace(/\{(\w+)\}/g, (_, k: string) =>
          String(params[k]),
        )
      const exportFolder = await suite.tempDir('kling-walk-export-')
      const h = await suite.harness({ secrets: new MemorySecretStore(), exportFolder })
      const page = await suite.open(h, {
        locale: language === 'en' ? 'en-US' : 'id-ID',
        viewport: { width: 1280, height: 820 },
      })
      const problems: string[] = []
      const name = (s: string) => `walk-${language}-${s}`

      // First run: the key is tested, then the Create workspace.
      await page.getByLabel(t('welcome.keyLabel')).fill(KEY)
      await page.getByRole('button', { name: t('welcome.saveKey') }).click()
      await page.getByRole('heading', { name: t('compose.title') }).waitFor()
      await step(page, problems, name('01-create-empty'))

      // Write, pick a model that can be extended later, four takes.
      await page.getByLabel(t('compose.prompt'), { exact: true }).fill(PROMPT)
      await page.getByLabel(t('compose.model'), { exact: true }).selectOption('kling-v1-6')
      await page.getByRole('radio', { name: '4', exact: true }).check()
      await page.getByText(/≈ \d+(\.\d+)? (units|unit)/).waitFor()
      await step(page, problems, name('02-create-draft'))
      const generate = page.getByRole('button', { name: t('create.generateTakes', { n: 4 }) })
      await generate.dblclick()

      // Four takes, one group, each a tile that runs and then turns into its video in place.
      const group = page.locator('.feed-group').first()
      await expect.poll(() => group.locator('.tile').count(), { timeout: 20_000 }).toBe(4)
      await step(page, problems, name('03-feed-running'))
      await expect.poll(() => doneTiles(page).count(), { timeout: 90_000 }).toBe(4)
      // A double click on Generate made one Generate: four tasks, not eight.
      expect(await page.locator('.feed-group').count()).toBe(1)
      await step(page, problems, name('04-feed-done'))
      // A take's less used actions wait under More, in a menu that stays inside the window.
      await doneTiles(page)
        .first()
        .getByRole('button', { name: t('player.more') })
        .click()
      const menu = page.getByRole('menu', { name: t('player.moreLabel') })
      await menu.getByRole('menuitem', { name: t('library.editRerun') }).waitFor()
      await step(page, problems, name('04-feed-more'))
      await page.keyboard.press('Escape')
      await menu.waitFor({ state: 'detached' })

      // Compare the four side by side, and pick the second.
      await group.getByRole('button', { name: t('feed.compareGroup') }).click()
      const compare = page.getByRole('dialog', { name: t('compare.title') })
      await compare.waitFor()
      await expect.poll(() => compare.locator('video').count()).toBe(4)
      await step(page, problems, name('05-compare'))
      await compare
        .getByRole('button', { name: t('compare.pick') })
        .nth(1)
        .click()
      await page.keyboard.press('Escape')
      await compare.waitFor({ state: 'detached' })

      // Continue the first take from its last frame: the composer turns to image-to-video.
      await doneTiles(page)
        .first()
        .getByRole('button', { name: t('feed.lastFrame') })
        .click()
      await page
        .getByRole('img', { name: t('create.slot.preview', { slot: t('create.slot.image') }) })
        .waitFor({ timeout: 20_000 })
      await step(page, problems, name('06-continue-from-frame'))
      await page
        .getByLabel(t('compose.prompt'), { exact: true })
        .fill('The kite climbs into the clouds')
      await page.getByRole('radio', { name: '1', exact: true }).check()
      await page.getByRole('button', { name: t('compose.generate'), exact: true }).click()
      await expect.poll(() => page.locator('.feed-group').count(), { timeout: 20_000 }).toBe(2)

      // Extend the third take of the first Generate (now the second group).
      const first = page.locator('.feed-group').nth(1)
      await first
        .locator('.tile')
        .nth(2)
        .getByRole('button', { name: t('feed.extend') })
        .click()
      const extend = page.getByRole('dialog', { name: t('extend.title') })
      await extend.waitFor()
      await extend.getByLabel(t('extend.prompt')).fill('The kite string snaps and it drifts away')
      await step(page, problems, name('07-extend'))
      await extend.getByRole('button', { name: t('extend.submit'), exact: true }).click()
      await extend.waitFor({ state: 'detached' })
      await expect.poll(() => page.locator('.feed-group').count(), { timeout: 20_000 }).toBe(3)
      await page
        .getByText(t('feed.extends', { prompt: PROMPT }))
        .first()
        .waitFor()

      // Leave with a draft half written, come back: it is still there, and after a restart too.
      await page.getByLabel(t('compose.prompt'), { exact: true }).fill(DRAFT)
      await page.getByRole('button', { name: t('nav.library'), exact: true }).click()
      await page.getByRole('heading', { name: t('library.title'), level: 1 }).waitFor()
      await page.getByRole('button', { name: t('nav.compose'), exact: true }).click()
      await expect(
        page.getByLabel(t('compose.prompt'), { exact: true }).inputValue(),
      ).resolves.toBe(DRAFT)
      await page.reload()
      await expect
        .poll(() => page.getByLabel(t('compose.prompt'), { exact: true }).inputValue())
        .toBe(DRAFT)
      // Everything made has arrived.
      await expect
        .poll(() => page.locator('.feed .tile video, .feed .tile img').count(), { timeout: 90_000 })
        .toBeGreaterThanOrEqual(6)
      await step(page, problems, name('08-feed-all'))

      // The library: search, select the four takes, export them with their sidecars.
      await page.getByRole('button', { name: t('nav.library'), exact: true }).click()
      await page.keyboard.press('/')
      await page.keyboard.type('kite beach')
      await page.getByText(t('library.count', { n: 4 })).waitFor()
      await step(page, problems, name('09-library-search'))
      const tiles = page
        .getByTestId('library-grid')
        .getByRole('button', { name: new RegExp(`^${t('library.play', { prompt: '' })}`) })
      await tiles.first().click({ modifiers: ['Control'] })
      await tiles.nth(3).click({ modifiers: ['Shift'] })
      await page.getByText(t('browse.selected', { n: 4 })).waitFor()
      await step(page, problems, name('10-library-selected'))
      await page.getByRole('button', { name: t('browse.export'), exact: true }).click()
      await page.getByText(t('browse.exported', { n: 4, folder: exportFolder })).waitFor()
      const exported = await readdir(exportFolder)
      expect(exported.filter((f) => f.endsWith('.mp4'))).toHaveLength(4)
      expect(exported.filter((f) => f.endsWith('.json'))).toHaveLength(4)

      // The player of the picked take, with the facts of its file.
      await page.keyboard.press('Escape')
      await tiles.nth(1).click()
      await page.locator('dialog video').waitFor()
      await step(page, problems, name('11-player'))

      // A notice raised in the player sits inside it: readable and in reach, not inert under the
      // dialog's backdrop.
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'])
      const player = page.locator('dialog.player')
      await player.getByRole('button', { name: t('player.more') }).click()
      await player.getByRole('menuitem', { name: t('library.copy') }).click()
      const notice = player.locator('.notice')
      await notice.getByText(t('library.copied')).waitFor()
      // Focus in it holds it while the screenshots are taken (an info notice goes after 6 s).
      const dismiss = notice.getByRole('button', { name: t('common.dismiss') })
      await dismiss.focus()
      await step(page, problems, name('12-player-notice'))
      await dismiss.click()
      await notice.waitFor({ state: 'detached' })
      await expect(player.isVisible()).resolves.toBe(true)

      expect(problems).toEqual([])
      expect(await page.content()).not.toContain(KEY)
      await page.context().close()
    }, 400_000)
  }
})
