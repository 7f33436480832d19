import { readFile } from 'node:fs/promises'
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import { Readable } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import { pathToFileURL } from 'node:url'
import { chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemorySecretStore } from '../../src/main/secrets/secret-store'
import { handlePageRequest } from '../../src/main/platform/page-handler'
import { CONTENT_SECURITY_POLICY } from '../../src/shared/csp'
import { CHROMIUM, chromiumAvailable, e2eSuite } from '../e2e/session'

// Why the window loads app://studio/ and not the built file, in real Chromium. Loaded from file:
// as a browser loads it (Electron with the grantFileProtocolExtraPrivileges fuse off, as the
// packaged app is built), the page's origin is opaque and Chromium refuses its module script: a
// blank window. Served by the app:// handler from a standard, secure origin (here a loopback HTTP
// server wrapping that very handler, with the test bridge for the main services), the script
// loads and the first screen renders; and there the Copy prompt's navigator.clipboard.writeText
// works only while the 'clipboard-sanitized-write' permission is granted.

const ROOT = resolve('out/renderer')

/** The module script index.html names, as a path under out/renderer. */
async function moduleScript(): Promise<string> {
  const html = await readFile(resolve(ROOT, 'index.html'), 'utf8')
  const src = /<script type="module" crossorigin src="\.\/([^"]+)"/.exec(html)?.[1]
  if (!src) throw new Error('out/renderer/index.html names no module script')
  return src
}

/** Records, from before the page's own scripts, the scripts that failed to load. */
async function recordFailedScripts(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const failed: string[] = []
    Object.defineProperty(window, '__failedScripts', { value: failed })
    addEventListener(
      'error',
      (e) => {
        if (e.target instanceof HTMLScriptElement) failed.push(e.target.src)
      },
      true,
    )
  })
}

const failedScripts = (page: Page) =>
  page.evaluate(() => (window as unknown as { __failedScripts: string[] }).__failedScripts)

describe.skipIf(!chromiumAvailable)('the built page loaded from file: (real Chromium)', () => {
  /** Opens out/renderer/index.html as a file: URL in Chromium started with `args`. */
  async function openFilePage(
    args: string[],
    check: (page: Page, script: string) => Promise<void>,
  ) {
    const script = await moduleScript()
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', ...args],
    })
    try {
      const page = await browser.newPage()
      await recordFailedScripts(page)
      await check(page, pathToFileURL(resolve(ROOT, script)).href)
    } finally {
      await browser.close()
    }
  }

  it('as in a browser (the fuse off): the module script is refused by CORS, nothing renders', async () => {
    await openFilePage([], async (page, script) => {
      const refusal = page.waitForEvent('console', (m) => m.text().includes(script))
      await page.goto(pathToFileURL(resolve(ROOT, 'index.html')).href, { waitUntil: 'load' })
      expect((await refusal).text()).toMatch(
        /^Access to script at 'file:\/\/.*' from origin 'null' has been blocked by CORS policy/,
      )
      expect(await page.evaluate(() => origin)).toBe('null')
      expect(await failedScripts(page)).toEqual([script])
      // A module script that loaded has run by the load event: the app never started. Only the
      // frame index.html paints by itself stands, with no view in it.
      expect(await page.locator('#root > .start-frame').count()).toBe(1)
      expect(await page.getByRole('heading').allTextContents()).toEqual(['Kling Studio'])
    })
  })

  it('with file access granted (the fuse on, its default), the same script loads', async () => {
    await openFilePage(['--allow-file-access-from-files'], async (page, script) => {
      const loaded = page.waitForEvent('requestfinished', (r) => r.url() === script)
      await page.goto(pathToFileURL(resolve(ROOT, 'index.html')).href, { waitUntil: 'load' })
      expect((await (await loaded).response())?.ok()).toBe(true)
      expect(await failedScripts(page)).toEqual([])
    })
  })
})

describe.skipIf(!chromiumAvailable)('the built page served by the app:// handler', () => {
  const suite = e2eSuite('app-page', { timeScale: 300 })
  let server: Server
  let url = ''
  let backend = ''

  /** The page's files from handlePageRequest; the test bridge's calls and events from the harness. */
  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/'
    if (path.startsWith('/__bridge/')) {
      // The harness knows the page by its own address: the Referer is rewritten to it.
      const headers = { ...req.headers, referer: req.headers.referer?.replace(url, backend) }
      const upstream = httpRequest(`${backend}${path}`, { method: req.method, headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers)
        up.pipe(res)
      })
      req.pipe(upstream)
      return
    }
    const answer = await handlePageRequest(
      new Request(`app://studio${path}`, { method: req.method }),
      ROOT,
    )
    res.writeHead(answer.status, Object.fromEntries(answer.headers))
    if (!answer.body) return void res.end()
    Readable.fromWeb(answer.body as NodeReadableStream).pipe(res)
  }

  beforeAll(async () => {
    if (!chromiumAvailable) return
    backend = (await suite.harness({ secrets: new MemorySecretStore() })).url
    server = createServer((req, res) => {
      route(req, res).catch((error: unknown) => res.writeHead(500).end(String(error)))
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server?.closeAllConnections()
    await new Promise((r) => server?.close(r) ?? r(undefined))
  })

  async function open(): Promise<Page> {
    const context = await suite.browser.newContext()
    await context.addInitScript({ path: suite.bridge })
    const page = await context.newPage()
    await recordFailedScripts(page)
    return page
  }

  it('the module script loads and the first screen renders, under the page policy', async () => {
    const page = await open()
    const script = `${url}/${await moduleScript()}`
    const loaded = page.waitForEvent('requestfinished', (r) => r.url() === script)
    const response = await page.goto(`${url}/index.html`)
    expect(response?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY)
    // By the load event the module script has run, or failed.
    expect(await failedScripts(page)).toEqual([])
    expect((await (await loaded).response())?.headers()['content-type']).toBe(
      'text/javascript; charset=utf-8',
    )
    await page.getByRole('heading', { name: 'Welcome to Kling Studio' }).waitFor()
    expect(await page.evaluate(() => isSecureContext && 'clipboard' in navigator)).toBe(true)
    await page.context().close()
  })

  it("Copy's navigator.clipboard.writeText needs 'clipboard-sanitized-write'", async () => {
    const page = await open()
    await page.goto(`${url}/index.html`)
    await page.getByRole('heading', { name: 'Welcome to Kling Studio' }).waitFor()
    const cdp = await page.context().newCDPSession(page)
    const { targetInfo } = await cdp.send('Target.getTargetInfo')
    const browserCdp = await suite.browser.newBrowserCDPSession()
    /** Sets Chromium's sanitized clipboard write permission, then copies from a click. */
    const copyWith = async (setting: 'granted' | 'denied') => {
      await browserCdp.send('Browser.setPermission', {
        permission: { name: 'clipboard-write', allowWithoutSanitization: false },
        setting,
        origin: url,
        browserContextId: targetInfo.browserContextId,
      })
      return page.evaluate(
        () =>
          new Promise<string>((done) => {
            const button = document.createElement('button')
            button.textContent = 'copy'
            button.onclick = () =>
              void navigator.clipboard.writeText('a prompt').then(
                () => done('written'),
                (e: unknown) => done(`refused: ${String(e)}`),
              )
            document.body.append(button)
            button.click()
          }),
      )
    }
    expect(await copyWith('denied')).toMatch(/^refused: NotAllowedError: .*Write permission denied/)
    expect(await copyWith('granted')).toBe('written')
    await browserCdp.detach()
    await page.context().close()
  })
})
