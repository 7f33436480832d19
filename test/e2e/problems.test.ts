import {
  copyFile,
  mkdir,
  readdir,
  readFile,
  rm,
  truncate,
  unlink,
  writeFile,
} from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import type { Locator, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { sidecarFor } from '../../src/main/library/sidecar'
import { videoFileName } from '../../src/main/library/names'
import { MemorySecretStore } from '../../src/main/secrets/secret-store'
import { Ledger } from '../../src/main/tasks/ledger'
import { SCHEMA_VERSION } from '../../src/main/tasks/migrations'
import { en, type MessageKey } from '../../src/renderer/src/i18n/en'
import { id } from '../../src/renderer/src/i18n/id'
import { channelFor } from '../../src/shared/contract'
import type { Job } from '../../src/shared/jobs'
import { job } from '../fixtures/job'
import { canMount, leaveRoom, onTmpfs } from '../fixtures/tmpfs'
import { chromiumAvailable, e2eSuite } from './session'
import { shotMatrix } from './shots'

// The screens of things gone wrong, in Chromium against the real main services, in English and
// Indonesian, each through the screenshot matrix (two sizes, two themes, axe, no sideways
// overflow): a history.db that cannot be opened at launch (damaged: Start afresh sets it aside
// and the app starts on a new one; held by another connection: Try again once it lets go; on a
// full disk: Try again once there is room; from a newer app: only Quit, which closes the
// window), a view that cannot draw what main answered (the panel, the rail still working, Reload
// bringing the view back once the answer is right), and the Library's list of the sidecars a
// rescan left out.

const KEY = 'sk-problems-key-71c3'
const SMALL = { width: 1024, height: 700 }
const SAMPLE = resolve('resources/samples/16x9-5s.mp4')

const suite = e2eSuite('problems', { timeScale: 300, seed: 33 })

type Language = 'en' | 'id'
const LANGUAGES: Language[] = ['en', 'id']
const locale = (l: Language) => (l === 'en' ? 'en-US' : 'id-ID')

/** The page's own words, from its catalogues. */
const words =
  (l: Language) =>
  (key: MessageKey, params: Record<string, string | number> = {}): string =>
    (l === 'en' ? en : id)[key].replace(/\{(\w+)\}/g, (_, k: string) => String(params[k]))

/** A data folder with a real history of a few jobs, folded into the file (no log). */
async function dataDirWithHistory(dir?: string): Promise<{ dir: string; file: string }> {
  dir ??= await suite.tempDir('kling-problems-')
  await mkdir(dir, { recursive: true })
  const file = join(dir, 'history.db')
  const ledger = new Ledger(file)
  for (let i = 0; i < 30; i++)
    ledger.create({
      request: { prompt: `a lighthouse at dusk, take ${i} ${'with waves '.repeat(20)}` },
      externalTaskId: `ks-problems-${i}`,
    })
  ledger.db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
  ledger.close()
  return { dir, file }
}

async function open(dir: string, l: Language, answer?: (c: string, e: unknown) => unknown) {
  const h = await suite.harness({ dataDir: dir, secrets: new MemorySecretStore(KEY), answer })
  const page = await suite.open(h, { locale: locale(l), viewport: SMALL })
  return { h, page }
}

/** Whether a part of the page is drawn inside the window, whole (its top edge at least for a grid). */
async function inWindow(page: Page, part: Locator): Promise<boolean> {
  const box = await part.boundingBox()
  const size = page.viewportSize()!
  return box !== null && box.y >= 0 && box.y + Math.min(box.height, 60) <= size.height
}

/** The buttons of the history notice, by their words. */
async function buttons(page: Page): Promise<string[]> {
  return page.locator('.history-problem button').allTextContents()
}

/** Try again, once the cause is gone: the app launches again and the window shows Create. */
async function tryAgain(
  page: Page,
  h: { restarts: number; problem: unknown },
  t: ReturnType<typeof words>,
): Promise<void> {
  await page.getByRole('button', { name: t('history.tryAgain') }).click()
  await expect.poll(() => h.restarts).toBe(1)
  expect(h.problem).toBeNull()
  await page.reload()
  await page.getByRole('heading', { name: t('compose.title'), level: 1 }).waitFor()
  await page.context().close()
}

describe.skipIf(!chromiumAvailable)('screens of things gone wrong, in Chromium', () => {
  for (const l of LANGUAGES) {
    const t = words(l)

    it(`a damaged history: said plainly; Start afresh sets it aside and starts anew (${l})`, async () => {
      const { dir, file } = await dataDirWithHistory()
      await truncate(file, Math.floor((await readFile(file)).length / 2))
      const { h, page } = await open(dir, l)
      expect(h.problem).toMatchObject({ kind: 'damaged', file })
      await page.getByRole('heading', { name: t('history.damaged.title'), level: 1 }).waitFor()
      expect(await page.getByRole('navigation').count()).toBe(0)
      expect(await buttons(page)).toEqual([t('history.startAfresh'), t('history.quit')])
      await expect(page.getByText(file, { exact: false }).count()).resolves.toBe(1)
      expect(await shotMatrix(page, `problem-${l}-damaged`)).toEqual([])
      // SQLite's own words are folded away, there for support.
      const detail = page.getByText(t('history.detail', { message: h.problem!.message }))
      expect(await detail.isVisible()).toBe(false)
      await page.getByText(t('history.technical')).click()
      await detail.waitFor()
      expect(await shotMatrix(page, `problem-${l}-damaged-details`)).toEqual([])

      await page.getByRole('button', { name: t('history.startAfresh') }).click()
      await page.getByText(t('history.restarting')).waitFor()
      await expect.poll(() => h.restarts).toBe(1)
      expect(h.problem).toBeNull()
      // Set aside, never deleted; a new history in its place.
      const names = await readdir(dir)
      expect(names.filter((n) => /^history\.damaged-[\d-]+\.db$/.test(n))).toHaveLength(1)
      expect(names).toContain('history.db')
      // The relaunched app's window: the sections again.
      await page.reload()
      await page.getByRole('heading', { name: t('compose.title'), level: 1 }).waitFor()
      await page.getByRole('navigation').waitFor()
      await page.context().close()
    }, 120_000)

    it(`a history held by another connection: Try again once it lets go (${l})`, async () => {
      const { dir, file } = await dataDirWithHistory()
      const holder = new DatabaseSync(file)
      holder.exec('BEGIN EXCLUSIVE')
      holder.exec("INSERT INTO meta (key, value) VALUES ('held', 1)")
      let held = true
      try {
        const { h, page } = await open(dir, l)
        expect(h.problem).toMatchObject({ kind: 'locked', file })
        await page.getByRole('heading', { name: t('history.locked.title'), level: 1 }).waitFor()
        expect(await buttons(page)).toEqual([t('history.tryAgain'), t('history.quit')])
        expect(await shotMatrix(page, `problem-${l}-locked`)).toEqual([])
        holder.exec('ROLLBACK')
        held = false
        await tryAgain(page, h, t)
      } finally {
        if (held) holder.exec('ROLLBACK')
        holder.close()
      }
    }, 120_000)

    it.skipIf(!canMount)(
      `a history on a full disk (a real one: a small tmpfs): Try again once there is room (${l})`,
      async () => {
        const at = join(await suite.tempDir('kling-problems-full-'), 'disk')
        await onTmpfs(at, { size: '16m', lazy: true }, async () => {
          const { dir, file } = await dataDirWithHistory(join(at, 'data'))
          // The settings as the harness would write them, then no room at all.
          await writeFile(join(dir, 'config.json'), JSON.stringify({ baseUrl: suite.emulator.url }))
          leaveRoom(at, 0)
          const { h, page } = await open(dir, l)
          expect(h.problem).toMatchObject({ kind: 'full', file })
          await page.getByRole('heading', { name: t('history.full.title'), level: 1 }).waitFor()
          expect(await buttons(page)).toEqual([t('history.tryAgain'), t('history.quit')])
          expect(await shotMatrix(page, `problem-${l}-full`)).toEqual([])
          await rm(join(at, 'filler'))
          await tryAgain(page, h, t)
          // Nothing set aside: a full disk is not a damaged history.
          expect(await readdir(dir)).not.toContainEqual(expect.stringMatching(/damaged/))
        })
      },
      120_000,
    )

    it(`a history from a newer app: only Quit, which closes the window (${l})`, async () => {
      const { dir, file } = await dataDirWithHistory()
      const db = new DatabaseSync(file)
      db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(SCHEMA_VERSION + 1)
      db.close()
      const { h, page } = await open(dir, l)
      expect(h.problem).toMatchObject({ kind: 'newer', file })
      await page.getByRole('heading', { name: t('history.newer.title'), level: 1 }).waitFor()
      expect(await buttons(page)).toEqual([t('history.quit')])
      expect(await shotMatrix(page, `problem-${l}-newer`)).toEqual([])
      // Only a window a script opened may close itself in a browser: Electron's may.
      const [popup] = await Promise.all([
        page.context().waitForEvent('page'),
        page.evaluate((url) => void window.open(url), h.url),
      ])
      const closed = popup.waitForEvent('close')
      // The click closes the window, sometimes before Playwright has finished the click: what
      // counts is that the window closes.
      await popup
        .getByRole('button', { name: t('history.quit') })
        .click()
        .catch(() => {})
      await closed
      expect(await readdir(dir)).not.toContainEqual(expect.stringMatching(/damaged/))
      await page.context().close()
    }, 120_000)

    it(`a view that cannot draw main's answer: a panel, the rail works, Reload brings it back (${l})`, async () => {
      let broken = false
      // A main of another version: the summary's "committed" under another name.
      const answer = (channel: string, envelope: unknown) => {
        if (!broken || channel !== channelFor('spend.summary')) return envelope
        const { committed, ...rest } = (envelope as { data: Record<string, unknown> }).data
        return { ok: true, data: { ...rest, used: committed } }
      }
      const { page } = await open(await suite.tempDir('kling-problems-'), l, answer)
      await page.getByRole('heading', { name: t('compose.title'), level: 1 }).waitFor()
      broken = true
      await page.getByRole('button', { name: t('nav.spend'), exact: true }).click()
      const panel = page.getByRole('alert').filter({ hasText: t('viewError.title') })
      await panel.waitFor()
      expect(await panel.textContent()).toContain(t('viewError.body', { view: t('nav.spend') }))
      expect(await panel.locator('code').textContent()).toMatch(/undefined/)
      expect(await shotMatrix(page, `boundary-${l}`)).toEqual([])

      // The rest of the app works.
      await page.getByRole('button', { name: t('nav.library'), exact: true }).click()
      await page.getByRole('heading', { name: t('library.title'), level: 1 }).waitFor()
      await page.getByRole('button', { name: t('nav.spend'), exact: true }).click()
      await panel.waitFor()
      // Reload while main still answers so: the panel again.
      await panel.getByRole('button', { name: t('viewError.reload') }).click()
      await panel.waitFor()

      // Main answers properly again, and the page asks anew (a settings change makes it ask).
      broken = false
      const asked = page.waitForResponse((r) =>
        r.url().endsWith(`/${encodeURIComponent(channelFor('spend.summary'))}`),
      )
      await page.evaluate(() =>
        (
          window as unknown as { api: { settings: { update(p: object): Promise<unknown> } } }
        ).api.settings.update({}),
      )
      await (await asked).finished()
      // The answer is in the page's store once its promise settles: Reload until the view draws.
      const spend = page.getByRole('heading', { name: t('spend.title'), level: 1 })
      await expect
        .poll(
          async () => {
            const reload = page.getByRole('button', { name: t('viewError.reload') })
            if (await reload.count()) await reload.click()
            return spend.count()
          },
          { timeout: 20_000 },
        )
        .toBe(1)
      expect(
        await page
          .getByRole('alert')
          .filter({ hasText: t('viewError.title') })
          .count(),
      ).toBe(0)
      await page.context().close()
    }, 120_000)

    it(`the rescan's list of skipped sidecars, from ${l === 'en' ? 'the button' : 'the menu'} (${l})`, async () => {
      const dir = await suite.tempDir('kling-problems-')
      const root = join(dir, 'library')
      const skipped = await hostileLibrary(root)
      const { h, page } = await open(dir, l)
      if (l === 'en') {
        await page.getByRole('button', { name: t('nav.library'), exact: true }).click()
        await page.getByRole('heading', { name: t('library.title'), level: 1 }).waitFor()
        await page.getByRole('button', { name: t('library.rescan'), exact: true }).click()
      } else {
        // From the app menu (File > Rescan Library), on another view: the Library, then the same.
        await page.getByRole('heading', { name: t('compose.title'), level: 1 }).waitFor()
        h.emit('app.rescanLibrary', {})
        await page.getByRole('heading', { name: t('library.title'), level: 1 }).waitFor()
      }
      const report = page.getByRole('region', { name: t('rescan.title') })
      await report.waitFor()
      await page
        .getByText(t('rescan.skipped', { found: 1, added: 1, missing: 0, n: skipped }))
        .waitFor()
      expect(await report.locator('li').count()).toBe(20)
      expect(await report.textContent()).toContain(t('rescan.more', { n: skipped - 20, shown: 20 }))
      for (const reason of ['not_json', 'too_large', 'unreadable', 'no_video', 'known_job'])
        expect(await report.textContent()).toContain(t(`rescan.reason.${reason}` as MessageKey))
      // The good one is in.
      await page.getByText(t('library.countOne'), { exact: true }).waitFor()
      // However long the list, Dismiss and the library's search and grid stay in a small window.
      for (const part of [
        report.getByRole('button', { name: t('common.dismiss') }),
        page.getByRole('searchbox'),
        page.getByTestId('library-grid'),
      ])
        expect(await inWindow(page, part)).toBe(true)
      expect(await shotMatrix(page, `rescan-${l}`)).toEqual([])
      await report.getByRole('button', { name: t('common.dismiss') }).click()
      await report.waitFor({ state: 'detached' })
      await page.context().close()
    }, 120_000)
  }
})

let serial = 0
/** A finished job as the app would have saved it. */
function made(prompt: string, over: Partial<Job> = {}): Job {
  serial++
  const at = Date.now() - 3_600_000 + serial * 60_000
  return job({
    id: `job-problems-${serial}`,
    externalTaskId: `ks-problems-${serial}`,
    taskId: `880000000000${100_000 + serial}`,
    state: 'done',
    saved: true,
    createdAt: at,
    submittedAt: at,
    finishedAt: at + 90_000,
    units: '1',
    request: { prompt },
    video: { id: `v-${serial}`, url: `https://cdn.example/v-${serial}.mp4`, duration: '5.1' },
    ...over,
  })
}

/** A video under the app's own name and its sidecar beside it, `change` applied to the JSON. */
async function put(
  root: string,
  j: Job,
  change: (v: { job: Record<string, unknown> }) => void = () => {},
): Promise<void> {
  const name = videoName(j)
  await copyFile(SAMPLE, join(root, name))
  const value = JSON.parse(JSON.stringify(sidecarFor(j, name, 27135)))
  change(value)
  await writeFile(join(root, name.replace(/\.mp4$/, '.json')), JSON.stringify(value, null, 2))
}

/**
 * A library folder with one good video and its sidecar, and bad sidecars of every kind (with
 * long names, one without a space to break at): answers how many a rescan skips.
 */
async function hostileLibrary(root: string): Promise<number> {
  await mkdir(root, { recursive: true })
  const good = made('a lighthouse keeper walks the stairs at dawn')
  await put(root, good)
  // A copy that claims the good one's job, with a video of its own (sorts after it).
  await put(root, made('the lighthouse keeper again'), (v) => (v.job.id = good.id))
  // Named so that they sort first, among the 20 listed.
  await writeFile(
    join(
      root,
      '2025-06-02 1010 a lantern festival over the river 879000000000000001 5b1e0c2a.json',
    ),
    '{ "format": "kling-studio.video", "video": ',
  )
  await writeFile(
    join(root, '2025-06-03 0915 enormous.json'),
    `{"pad":"${'x'.repeat(300 * 1024)}"}`,
  )
  await mkdir(join(root, '2025-06-04 Old takes.json'))
  const gone = made('a paper boat drifting on a rainy street')
  await put(root, gone)
  await unlink(join(root, videoName(gone)))
  await writeFile(
    join(
      root,
      '2025-07-14_sunset_over_the_harbour_final_final_v2_exported_from_the_old_laptop.json',
    ),
    'not json at all',
  )
  const prompts = [
    'a heron stands still in the shallow water of a misty lake at sunrise',
    'a fox crossing a snowy field under a pale winter sky, seen from far away',
  ]
  const outOfRange = 18
  for (let i = 0; i < outOfRange; i++)
    await put(root, made(`${prompts[i % 2]} ${i}`), (v) => (v.job.createdAt = 1e300))
  // The copy, broken, enormous, the folder, the one without its video, the sunset, and the rest.
  return 6 + outOfRange
}

function videoName(j: Job): string {
  return videoFileName(j.createdAt, j.request.prompt ?? '', j.taskId!, j.id)
}
