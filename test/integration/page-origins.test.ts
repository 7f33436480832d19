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
import { pageOrigins } from '../../src/main/platform/page-origins'

// The Origin the built page (a file: URL) really sends when it reads a video across origins, in
// real Chromium under both of Electron's treatments of file: pages: as a browser does (the
// packaged app, whose grantFileProtocolExtraPrivileges fuse is off) and with file access granted
// (that fuse's default, the unpackaged app; Chromium's --allow-file-access-from-files). media://
// answers CORS to exactly the origin pageOrigins names for each, and to nothing else.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

describe('pageOrigins', () => {
  it('is the dev server in development, and one file: origin for the built page', () => {
    const devServer = 'http://localhost:5173/'
    expect(pageOrigins({ packaged: false, devServer })).toEqual(['http://localhost:5173'])
    expect(pageOrigins({ packaged: true, devServer })).toEqual(['null'])
    expect(pageOrigins({ packaged: false })).toEqual(['file://'])
    expect(pageOrigins({ packaged: false, devServer: 'not a url' })).toEqual(['file://'])
  })

  it('the packaged app is built with file: pages treated as in a browser', async () => {
    const builder = await readFile(resolve('electron-builder.yml'), 'utf8')
    expect(builder).toMatch(/^\s+grantFileProtocolExtraPrivileges: false$/m)
  })
})

describe.skipIf(!existsSync(CHROMIUM))('the Origin a file: page sends (real Chromium)', () => {
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
    ['packaged (file: as in a browser)', true, []],
    ['unpackaged (file: access granted)', false, ['--allow-file-access-from-files']],
  ])('%s: the page sends the one origin media:// answers', async (_name, packaged, args) => {
    const sent = await originSent(args as string[])
    const origins = pageOrigins({ packaged: packaged as boolean })
    expect(origins).toEqual([sent])
    expect(await allowed(sent!, origins)).toBe(true)
    // The other treatment's origin is not let in.
    expect(await allowed(packaged ? 'file://' : 'null', origins)).toBe(false)
  })
})
