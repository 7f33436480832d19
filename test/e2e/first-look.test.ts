import type { Page, Route } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { LOOK_KEY } from '../../src/shared/first-look'
import { MemorySecretStore } from '../../src/main/secrets/secret-store'
import { chromiumAvailable as available, e2eSuite } from './session'
import { SHOTS_DIR } from './shots'

// What the window shows before its code has arrived (src/shared/first-look.ts), in the built page
// under its own Content Security Policy: a returning person's Create view in their language and
// theme, painted by index.html and taking no input, then the live view in its place; a first
// start, a welcome screen or a damaged memory get the plain start frame. The shell's code is held
// back (a route that answers only when released) so the picture can be looked at on its own.

const suite = e2eSuite('first-look', { timeScale: 300, seed: 31 })

/** The shell's code, as the build names it. */
const SHELL = /\/assets\/main-[^/]+\.js$/

/** Holds every request for the shell's code until `release` is called. */
async function holdShell(page: Page): Promise<{ release(): void }> {
  const held: Route[] = []
  let open = false
  await page.route(SHELL, (route) => (open ? route.continue() : void held.push(route)))
  return {
    release: () => {
      open = true
      for (const r of held.splice(0)) void r.continue()
    },
  }
}

const look = (page: Page) =>
  page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? 'null') as unknown, LOOK_KEY)

/** Violations of the page's policy, noted as they happen. */
const watchPolicy = (page: Page) =>
  page.addInitScript(() => {
    ;(window as unknown as { violations: string[] }).violations = []
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { violations: string[] }).violations.push(e.violatedDirective),
    )
  })

describe.skipIf(!available)('the first paint in Chromium', () => {
  it('a returning person sees their Create view at once; it takes no input until it is live', async () => {
    const h = await suite.harness({ secrets: new MemorySecretStore('sk-first-look-0001') })
    const page = await suite.open(h)
    await page.getByRole('heading', { name: 'Create a video' }).waitFor()
    expect(await look(page)).toEqual({ language: 'en', theme: 'system', create: true })

    // The person switches to Indonesian and the dark theme: remembered as they change.
    await page.evaluate(() =>
      (
        window as unknown as { api: { settings: { update(p: object): Promise<unknown> } } }
      ).api.settings.update({ language: 'id', theme: 'dark' }),
    )
    await page.getByRole('heading', { name: 'Buat video' }).waitFor()
    await expect.poll(() => look(page)).toEqual({ language: 'id', theme: 'dark', create: true })

    await watchPolicy(page)
    const shell = await holdShell(page)
    await page.reload({ waitUntil: 'domcontentloaded' })
    const picture = page.locator('[data-first-picture]')
    await picture.getByRole('heading', { name: 'Buat video', includeHidden: true }).waitFor()
    expect(await picture.isVisible()).toBe(true)
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('id')
    // Dark, as the person chose, not the OS's light: the picture's background says so.
    const background = await page.evaluate(
      () => getComputedStyle(document.querySelector('.content')!).backgroundColor,
    )
    expect(background).not.toBe('rgb(246, 247, 251)')
    await page.screenshot({ path: `${SHOTS_DIR}/first-look-picture-id-dark.png` })
    // Inert: a click and keys reach nothing in it.
    await page.mouse.click(400, 200)
    await page.keyboard.type('lost words')
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('BODY')
    expect(await page.locator('#prompt').inputValue()).toBe('')

    shell.release()
    await page.locator('h1#compose-title:not([data-first-picture] *)').waitFor()
    expect(await picture.count()).toBe(0)
    expect(await page.locator('#compose-title').count()).toBe(1)
    await page.locator('#prompt').fill('A heron at dawn')
    expect(await page.locator('#prompt').inputValue()).toBe('A heron at dawn')
    await page.screenshot({ path: `${SHOTS_DIR}/first-look-live-id-dark.png` })
    expect(
      await page.evaluate(() => (window as unknown as { violations: string[] }).violations),
    ).toEqual([])

    // The picture at both window sizes, in the other language and theme too, for the eye.
    for (const [language, theme, size] of [
      ['en', 'light', { width: 1024, height: 700 }],
      ['id', 'dark', { width: 1920, height: 1080 }],
    ] as const) {
      await page.setViewportSize(size)
      // Chosen in settings, remembered by the page itself, shown by both picture and live view.
      await page.evaluate(
        (patch) =>
          (
            window as unknown as { api: { settings: { update(p: object): Promise<unknown> } } }
          ).api.settings.update(patch),
        { language, theme },
      )
      await expect.poll(() => look(page)).toEqual({ language, theme, create: true })
      await page.unroute(SHELL)
      const held = await holdShell(page)
      await page.reload({ waitUntil: 'domcontentloaded' })
      await picture.locator('#compose-title').waitFor()
      const name = `first-look-picture-${language}-${theme}-${size.width}`
      await page.screenshot({ path: `${SHOTS_DIR}/${name}.png` })
      held.release()
      await page.locator('h1#compose-title:not([data-first-picture] *)').waitFor()
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(language)
      await page.screenshot({ path: `${SHOTS_DIR}/${name.replace('picture', 'live')}.png` })
    }
    await page.context().close()
  }, 120_000)

  it('a first start, a welcome screen and a damaged memory show the plain start frame', async () => {
    const page = await suite.open(await suite.harness({ secrets: new MemorySecretStore() }))
    await page.getByRole('heading', { name: 'Welcome to Kling Studio' }).waitFor()
    // Without a key the window opens on the welcome screen: no Create picture next time.
    expect(await look(page)).toEqual({ language: 'en', theme: 'system', create: false })
    for (const memory of [null, 'not json', '{"language":"xx","create":true}', '[1]']) {
      await page.evaluate(
        ([key, value]) =>
          value === null ? localStorage.removeItem(key!) : localStorage.setItem(key!, value),
        [LOOK_KEY, memory] as const,
      )
      const shell = await holdShell(page)
      await page.reload({ waitUntil: 'domcontentloaded' })
      await page.locator('.start-frame h1').waitFor()
      expect(await page.locator('[data-first-picture]').count()).toBe(0)
      shell.release()
      await page.getByRole('heading', { name: 'Welcome to Kling Studio' }).waitFor()
      await page.unroute(SHELL)
    }
    await page.context().close()
  }, 120_000)

  it('a shell that fails to load takes the picture down: the plain frame, not a view that looks usable', async () => {
    const h = await suite.harness({ secrets: new MemorySecretStore('sk-first-look-0002') })
    const page = await suite.open(h)
    await page.getByRole('heading', { name: 'Create a video' }).waitFor()
    expect(await look(page)).toEqual({ language: 'en', theme: 'system', create: true })
    page.removeAllListeners('pageerror') // the failed import is this test's point
    await page.route(SHELL, (route) => route.abort())
    await page.reload()
    await page.locator('.start-frame h1').waitFor()
    expect(await page.locator('[data-first-picture]').count()).toBe(0)
    expect(await page.locator('#compose-title').count()).toBe(0)
    await page.context().close()
  }, 120_000)
})
