import { copyFile, mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { MemorySecretStore } from '../../src/main/secrets/secret-store'
import { Ledger } from '../../src/main/tasks/ledger'
import type { Harness } from './harness'
import { chromiumAvailable as available, e2eSuite } from './session'
import { axeProblems } from './shots'

// The built renderer in Debian's Chromium, driven by playwright-core, with window.api reaching
// the real main services over the emulator. Screenshots of every view land in test-results/.

const SHOTS = resolve('test-results/screenshots')
const KEY = 'sk-e2e-distinctive-key-9d41'

const suite = e2eSuite('app', { timeScale: 300, seed: 8 })

const harness = (dataDir: string, secrets: MemorySecretStore): Promise<Harness> =>
  suite.harness({ dataDir, secrets })
const dataDir = (): Promise<string> => suite.tempDir('kling-e2e-')

const open = (h: Harness, locale = 'en-US'): Promise<Page> => suite.open(h, { locale })

async function shot(page: Page, name: string): Promise<void> {
  await mkdir(SHOTS, { recursive: true })
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false })
}

/** axe-core on the current view: no serious or critical violation. */
async function expectAccessible(page: Page, view: string): Promise<void> {
  expect(await axeProblems(page, view)).toEqual([])
}

async function generate(page: Page, prompt: string): Promise<void> {
  await page.getByRole('button', { name: /^(Create|Buat)$/ }).click()
  await page.getByLabel(/^Prompt$/).fill(prompt)
  await page.getByLabel(/^Prompt$/).press('Control+Enter')
  await expect.poll(() => page.locator('.notice-region').textContent()).toMatch(/Sent|Terkirim/)
}

async function openLibraryAndPlay(page: Page, prompt: string): Promise<void> {
  await page.getByRole('button', { name: /^(Library|Pustaka)$/ }).click()
  const card = page.getByRole('button', { name: new RegExp(`(Play|Putar) ${prompt}`) })
  await card.first().waitFor({ timeout: 60_000 })
  await expect.poll(async () => card.first().locator('video').count(), { timeout: 60_000 }).toBe(1)
  await card.first().click()
  const video = page.locator('dialog video')
  await video.waitFor()
  await expect
    .poll(
      () =>
        video.evaluate((v: HTMLVideoElement) => ({ ready: v.readyState >= 2, t: v.currentTime })),
      { timeout: 20_000 },
    )
    .toMatchObject({ ready: true })
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 20_000 })
    .toBeGreaterThan(0)
}

describe.skipIf(!available)('Kling Studio in Chromium', () => {
  it('key -> compose -> generate -> statuses -> plays in the library -> search -> survives a restart', async () => {
    const dir = await dataDir()
    const secrets = new MemorySecretStore()
    const h1 = await harness(dir, secrets)
    const page = await open(h1)

    await page.getByRole('heading', { name: 'Welcome to Kling Studio' }).waitFor()
    await shot(page, 'en-welcome')
    await expectAccessible(page, 'welcome')
    await page.getByLabel('CometAPI key').fill(KEY)
    await page.getByRole('button', { name: 'Save key and start' }).click()
    await page.getByRole('heading', { name: 'Create a video' }).waitFor()
    expect(await secrets.get()).toBe(KEY)

    await page.locator('summary', { hasText: 'Options' }).click()
    await page.getByRole('radio', { name: '9:16' }).check()
    await shot(page, 'en-compose')
    await expectAccessible(page, 'compose')
    await generate(page, 'A lighthouse keeper walks the stairs at dawn')

    await page.getByRole('button', { name: /^Queue/ }).click()
    const card = page.locator('.job-card').first()
    await card.waitFor()
    await shot(page, 'en-queue')
    await expectAccessible(page, 'queue')
    // Finished, it stays on the queue a while, with Play, instead of vanishing.
    await card.getByRole('button', { name: 'Play', exact: true }).waitFor({ timeout: 60_000 })
    expect(await card.locator('.state').textContent()).toBe('Done')

    await openLibraryAndPlay(page, 'A lighthouse keeper')
    await shot(page, 'en-player')
    await expectAccessible(page, 'player')
    await page.getByRole('button', { name: 'Close' }).click()
    await page.getByRole('searchbox').fill('lighthouse')
    await expect.poll(() => page.getByText('1 video', { exact: true }).count()).toBe(1)
    await shot(page, 'en-library')
    await expectAccessible(page, 'library')
    await page.getByRole('searchbox').fill('zebra')
    await page.getByText('Nothing matches.').waitFor()

    await page.getByRole('button', { name: 'Settings' }).click()
    await page.getByText('A key is set (…9d41).').waitFor()
    expect(await page.content()).not.toContain(KEY)
    await shot(page, 'en-settings')
    await expectAccessible(page, 'settings')
    // Each label sits on the row of its control (a stray element in the grid shifts them all).
    for (const name of ['API address', 'Library folder', 'Tasks at once', 'Language', 'Theme']) {
      const label = await page.locator('label', { hasText: name }).first().boundingBox()
      const control = await page.getByLabel(name, { exact: true }).boundingBox()
      expect(
        Math.abs(label!.y + label!.height / 2 - (control!.y + control!.height / 2)),
      ).toBeLessThan(12)
      expect(control!.x).toBeGreaterThan(label!.x + label!.width)
    }
    await page.context().close()

    // Restart: a new main process on the same data folder and keychain.
    await h1.close()
    const h2 = await harness(dir, secrets)
    const again = await open(h2)
    await again.getByRole('button', { name: 'Library' }).click()
    await again.getByRole('button', { name: /Play A lighthouse keeper/ }).waitFor()
    await again.context().close()
  }, 180_000)

  it('a new person with no key reaches a playing sandbox video', async () => {
    const h = await harness(await dataDir(), new MemorySecretStore())
    const page = await open(h)
    await page.getByRole('button', { name: 'Try sandbox mode' }).click()
    await page.getByText('Sandbox mode: no API key yet').waitFor()
    await generate(page, 'A paper boat drifting on a rainy street')
    await openLibraryAndPlay(page, 'A paper boat')
    await expect(
      page.locator('dialog').getByText('Sandbox').count(),
    ).resolves.toBeGreaterThanOrEqual(0)
    await shot(page, 'en-sandbox-player')
    await page.context().close()
  }, 120_000)

  it('a content-policy failure shows its message and request id, with Edit and retry (not a Retry that would fail again)', async () => {
    const secrets = new MemorySecretStore(KEY)
    const h = await harness(await dataDir(), secrets)
    const page = await open(h)
    await generate(page, 'A forbidden scene [fail]')
    await page.getByRole('button', { name: /^Queue/ }).click()
    const failed = page.locator('.job-card.failed')
    await failed.waitFor({ timeout: 60_000 })
    await expect.poll(() => failed.textContent()).toMatch(/risk control|content policy/)
    await expect.poll(() => failed.textContent()).toMatch(/Request id: [0-9a-f-]{36}/)
    await failed.getByRole('button', { name: 'Edit and retry', exact: true }).waitFor()
    expect(await failed.getByRole('button', { name: 'Retry', exact: true }).count()).toBe(0)
    await shot(page, 'en-queue-failed')
    await expectAccessible(page, 'queue-failed')
    await page.context().close()
  }, 120_000)

  it('opens and searches a 10,000-video library with only the visible cards in the DOM', async () => {
    const dir = await dataDir()
    const ledger = new Ledger(join(dir, 'history.db'))
    const sample = join(dir, 'library', 'sample.mp4')
    await mkdir(join(dir, 'library'), { recursive: true })
    await copyFile(resolve('resources/samples/16x9-5s.mp4'), sample)
    const animals = ['fox', 'heron', 'otter', 'lynx', 'whale']
    // Seeding only: durability does not matter here.
    ledger.db.exec('PRAGMA synchronous = OFF')
    for (let i = 0; i < 10_000; i++) {
      ledger.importSaved({
        id: `bulk-${i}`,
        externalTaskId: `ks-bulk-${i}`,
        taskId: String(900_000_000_000_000_000n + BigInt(i)),
        request: {
          prompt: `Scene ${i}: a ${animals[i % 5]} crossing a snowy field`,
          aspect_ratio: '16:9',
        },
        sandbox: false,
        favourite: i % 97 === 0,
        createdAt: 1_770_000_000_000 + i * 60_000,
        submittedAt: null,
        finishedAt: null,
        units: '1',
        video: null,
        file: sample,
        bytes: 38_000,
      })
    }
    ledger.close()
    const h = await harness(dir, new MemorySecretStore(KEY))
    const page = await open(h)
    await page.getByRole('button', { name: 'Library' }).click()
    await page.getByText('10000 videos').waitFor()
    await page.getByRole('button', { name: /Play Scene 9999: a whale/ }).waitFor()
    await expect.poll(() => page.locator('.grid-slot').count()).toBeGreaterThan(4)
    const slots = await page.locator('.grid-slot').count()
    expect(slots).toBeLessThan(120)
    await page.getByTestId('library-grid').evaluate((el) => el.scrollTo(0, el.scrollHeight))
    await page.getByRole('button', { name: /Play Scene 0: a fox/ }).waitFor()
    expect(await page.locator('.grid-slot').count()).toBeLessThan(120)
    // A search's total on a large history starts as a lower bound and is made exact by paging.
    await page.getByRole('searchbox').fill('otter')
    await page.getByText(/^\d+\+ videos$/).waitFor()
    await page.getByTestId('library-grid').evaluate((el) => el.scrollTo(0, el.scrollHeight))
    await page.getByText('2000 videos').waitFor()
    await page.getByRole('searchbox').fill('otter 4242')
    await page.getByText('1 video', { exact: true }).waitFor()
    await page.getByRole('button', { name: /Play Scene 4242: a otter/ }).waitFor()
    await page.getByRole('searchbox').fill('')
    await page.getByLabel('Favourites only').check()
    await page.getByText('104 videos').waitFor()
    await shot(page, 'en-library-10k')
    await page.context().close()
  }, 120_000)

  it('speaks Indonesian, following the system language and the setting', async () => {
    const h = await harness(await dataDir(), new MemorySecretStore(KEY))
    const page = await open(h, 'id-ID')
    await page.getByRole('heading', { name: 'Buat video' }).waitFor()
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('id')
    await shot(page, 'id-compose')
    for (const [nav, heading, name] of [
      ['Antrean', 'Antrean', 'id-queue'],
      ['Pustaka', 'Pustaka', 'id-library'],
      ['Pengaturan', 'Pengaturan', 'id-settings'],
    ] as const) {
      await page.getByRole('button', { name: new RegExp(`^${nav}`) }).click()
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor()
      await shot(page, name)
      await expectAccessible(page, name)
    }
    // Switching in settings applies at once.
    await page.getByLabel('Bahasa', { exact: true }).selectOption('en')
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor()
    await page.context().close()
  }, 120_000)
})
