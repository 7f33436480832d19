import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { describe, expect, it } from 'vitest'
import { MemorySecretStore } from '../../src/main/secrets/secret-store'
import { en, type MessageKey } from '../../src/renderer/src/i18n/en'
import { id } from '../../src/renderer/src/i18n/id'
import { chromiumAvailable, e2eSuite } from './session'
import { shotMatrix } from './shots'

// A video whose progress cannot be saved, in Chromium against the real main services: another
// program holds the history's write lock while a take runs. The take's card says so, with the
// next try counting down (screenshotted through the matrix in each language), and once the
// lock is let go the line goes and the take arrives as a video, nothing lost or sent twice.

const KEY = 'sk-trouble-key-5b2e'
const suite = e2eSuite('trouble', { timeScale: 20, seed: 52 })

describe.skipIf(!chromiumAvailable)('a card while its history is locked, in Chromium', () => {
  for (const l of ['en', 'id'] as const) {
    it(`says why and when it tries again, then carries on (${l})`, async () => {
      const t = (key: MessageKey, params: Record<string, string | number> = {}) =>
        (l === 'en' ? en : id)[key].replace(/\{(\w+)\}/g, (_, k: string) => String(params[k]))
      const prompt = `A heron lifts off a lake (${l})`
      const dir = await suite.tempDir('kling-trouble-')
      const h = await suite.harness({ dataDir: dir, secrets: new MemorySecretStore(KEY) })
      const page = await suite.open(h, {
        locale: l === 'en' ? 'en-US' : 'id-ID',
        viewport: { width: 1024, height: 700 },
      })
      await page.getByRole('heading', { name: t('compose.title') }).waitFor()
      await page.getByLabel(t('compose.prompt'), { exact: true }).fill(prompt)
      await page.getByRole('button', { name: t('compose.generate'), exact: true }).click()
      const tile = page.locator('.feed-group').first().locator('.tile').first()
      await tile.waitFor()

      // Another program takes the history's write lock while the take runs.
      const holder = new DatabaseSync(join(dir, 'history.db'))
      holder.exec('BEGIN IMMEDIATE')
      let held = true
      try {
        const line = tile.locator('.job-trouble')
        await line.waitFor({ timeout: 60_000 })
        expect(await line.textContent()).toContain(t('trouble.locked'))
        // While main waits on the lock the next try is under way: "now"; between tries, a countdown.
        const next = [
          t('trouble.retryIn', { seconds: '\\d+', attempt: '\\d+' }),
          t('trouble.retryNow', { attempt: '\\d+' }),
        ].map((s) => s.replace(/[().]/g, '\\$&'))
        expect(await line.textContent()).toMatch(new RegExp(next.join('|')))
        expect(await shotMatrix(page, `trouble-${l}-locked`)).toEqual([])
        holder.exec('ROLLBACK')
        held = false
        // The next try may be up to a minute away (the waits grow while the lock is held).
        await line.waitFor({ state: 'detached', timeout: 120_000 })
        await tile.locator('video, img').first().waitFor({ timeout: 60_000 })
        // One task, created once, for the one take.
        const ours = suite.emulator
          .tasks()
          .filter((task) => (task.request as { prompt?: string } | null)?.prompt === prompt)
        expect(ours.map((task) => task.create_requests)).toEqual([1])
      } finally {
        if (held) holder.exec('ROLLBACK')
        holder.close()
      }
    }, 300_000)
  }
})
