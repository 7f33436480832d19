import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { handleMediaRequest } from '../../src/main/library/media-handler'
import {
  APP_ORIGIN,
  APP_PAGE_URL,
  isPageUrl,
  pageOrigins,
  pageUrl,
} from '../../src/main/platform/page-origins'

// Where the page comes from and the one Origin media:// answers with CORS headers: app://studio,
// packaged or not (the dev server's in development). The packaged app is built with file: pages
// treated as in a browser; the Origins a file: page really sends, measured in real Chromium under
// both of Electron's treatments of file: ("null" with the grantFileProtocolExtraPrivileges fuse
// off, "file://" with it on), are not let in: only the app's page is.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const DEV = 'http://localhost:5173/'

describe('pageOrigins, pageUrl, isPageUrl', () => {
  it('app://studio for the built page, packaged or not; the dev server in development', () => {
    expect(APP_ORIGIN).toBe('app://studio')
    expect(pageOrigins({ packaged: false, devServer: DEV })).toEqual(['http://localhost:5173'])
    expect(pageOrigins({ packaged: true, devServer: DEV })).toEqual(['app://studio'])
    expect(pageOrigins({ packaged: true })).toEqual(['app://studio'])
    expect(pageOrigins({ packaged: false })).toEqual(['app://studio'])
    expect(pageOrigins({ packaged: false, devServer: 'not a url' })).toEqual(['app://studio'])
    expect(pageOrigins({ packaged: false, devServer: 'file:///x/index.html' })).toEqual([
      'app://studio',
    ])
  })

  it('the window loads app://studio/index.html, or the dev server in development', () => {
    expect(APP_PAGE_URL).toBe('app://studio/index.html')
    expect(pageUrl({ packaged: true })).toBe(APP_PAGE_URL)
    expect(pageUrl({ packaged: true, devServer: DEV })).toBe(APP_PAGE_URL)
    expect(pageUrl({ packaged: false })).toBe(APP_PAGE_URL)
    expect(pageUrl({ packaged: false, devServer: DEV })).toBe(DEV)
    expect(pageUrl({ packaged: false, devServer: 'not a url' })).toBe(APP_PAGE_URL)
  })

  it.each([
    ['app://studio/index.html', true],
    ['app://studio/index.html#/library', true],
    ['app://studio/', false],
    ['app://studio/index.html?x=1', false],
    ['app://studio/assets/other.html', false],
    ['app://studio.evil/index.html', false],
    [pathToFileURL(resolve('out/renderer/index.html')).href, false],
    ['http://localhost:5173/', false],
    ['https://example.com/', false],
  ])('built page: %s is the page: %s', (url, expected) => {
    expect(isPageUrl(url, { packaged: true, devServer: DEV })).toBe(expected)
    expect(isPageUrl(url, { packaged: false })).toBe(expected)
  })

  it('in development, any page of the dev server, and nothing else', () => {
    const dev = { packaged: false, devServer: DEV }
    expect(isPageUrl('http://localhost:5173/', dev)).toBe(true)
    expect(isPageUrl('http://localhost:5173/index.html#x', dev)).toBe(true)
    expect(isPageUrl('http://localhost:5173.evil.example/', dev)).toBe(false)
    expect(isPageUrl('http://localhost:5174/', dev)).toBe(false)
    expect(isPageUrl(APP_PAGE_URL, dev)).toBe(false)
    expect(isPageUrl('not a url', dev)).toBe(false)
  })

  it('the packaged app is built with file: pages treated as in a browser', async () => {
    const builder = await readFile(resolve('electron-builder.yml'), 'utf8')
    expect(builder).toMatch(/^\s+grantFileProtocolExtraPrivileges: false$/m)
  })
})

describe.skipIf(!existsSync(CHROMIUM))('the Origins a file: page sends (real Chromium)', () => {
  let dir: string
  let server: Server
  let seen: (string | undefined)[]

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kling-origin-'))
    seen = []
    server = createServer((req, res) => {
      seen.push(req.headers.origin)
      res.writeHead(200, {
        'access-control-allow-origin': String(req.headers.origin),
        'content-type': 'text/plain',
      })
      res.end('x')
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((r) => server.close(r))
    await rm(dir, { recursive: true, force: true })
  })

  /** The Origin header of a cross-origin fetch from a file: page, Chromium run with `args`. */
  async function originSent(args: string[]): Promise<string | undefined> {
    const port = (server.address() as AddressInfo).port
    const page = join(dir, 'index.html')
    await writeFile(
      page,
      `<!doctype html><title>page</title><script>fetch('http://127.0.0.1:${port}/v', { mode: 'cors' }).then((r) => r.text()).then((t) => (document.title = 'read ' + t), (e) => (document.title = 'refused ' + e))</script>`,
    )
    seen.length = 0
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', ...args],
    })
    try {
      const tab = await browser.newPage()
      await tab.goto(pathToFileURL(page).href)
      await tab.waitForFunction(() => document.title !== 'page')
      expect(await tab.title()).toBe('read x')
    } finally {
      await browser.close()
    }
    expect(seen).toHaveLength(1)
    return seen[0]
  }

  /** Whether media:// lets a page of this origin read a video, given the app's origins. */
  async function allowed(origin: string, corsOrigins: string[]): Promise<boolean> {
    const res = await handleMediaRequest(new Request('media://video/x', { headers: { origin } }), {
      roots: [dir],
      fileFor: () => null,
      corsOrigins,
    })
    return res.headers.get('access-control-allow-origin') === origin
  }

  it.each([
    ['the fuse off (file: as in a browser)', [], 'null'],
    ['the fuse on (file: access granted)', ['--allow-file-access-from-files'], 'file://'],
  ])('%s: a file: page sends %s, which media:// does not answer', async (_n, args, origin) => {
    const sent = await originSent(args as string[])
    expect(sent).toBe(origin)
    for (const packaged of [true, false]) {
      const origins = pageOrigins({ packaged })
      expect(await allowed(sent!, origins)).toBe(false)
      // The control: the app's page's origin is answered.
      expect(await allowed(APP_ORIGIN, origins)).toBe(true)
    }
  })
})
