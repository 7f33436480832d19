import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { CALLS, channelFor, type CallName } from '../../src/shared/contract'
import { fake, fakeElectron, fakeElectronStore, fakeKeytar } from '../fixtures/fake-electron'

// main/index.ts, the composition root, run against a fake electron module: proves the window is
// built hardened, every contract call has a handler, the page's and media's schemes are
// registered in one call, the page is served from app://studio/, and the session grants only full
// screen and clipboard writing, to that page only, and denies navigation. Only the electron module
// is fake; the services are the real ones.

vi.mock('electron', () => fakeElectron())
vi.mock('keytar', () => fakeKeytar())
vi.mock('electron-store', () => fakeElectronStore())

beforeAll(async () => {
  fake.state.dataDir = await mkdtemp(join(tmpdir(), 'kling-wiring-'))
  await import('../../src/main/index')
  for (let i = 0; i < 200 && fake.state.windows.length === 0; i++)
    await new Promise((r) => setTimeout(r, 10))
})
afterAll(async () => {
  await rm(fake.state.dataDir, { recursive: true, force: true })
})

const rendererFileUrl = () => pathToFileURL(resolve('src/renderer/index.html')).href
const PAGE = 'app://studio/index.html'

describe('main/index.ts wiring', () => {
  it('asks for the single-instance lock and registers app: and media: in one call', () => {
    expect(fake.state.singleInstance).toBe(true)
    // Electron honours one registerSchemesAsPrivileged call only.
    expect(fake.state.schemeCalls).toBe(1)
    expect(fake.state.schemes).toEqual([
      {
        scheme: 'app',
        privileges: {
          standard: true,
          secure: true,
          supportFetchAPI: true,
          corsEnabled: true,
        },
      },
      {
        scheme: 'media',
        privileges: expect.objectContaining({
          standard: true,
          secure: true,
          stream: true,
          supportFetchAPI: true,
        }),
      },
    ])
    expect(fake.state.protocolHandlers.has('media')).toBe(true)
    expect(fake.state.protocolHandlers.has('app')).toBe(true)
  })

  it('loads the page from app://studio/, which serves it with its policy', async () => {
    expect(fake.state.windows[0]!.loaded).toBe(PAGE)
    const res = await fake.state.protocolHandlers.get('app')!(new Request(PAGE))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    const out = await fake.state.protocolHandlers.get('app')!(
      new Request('app://studio/../main/index.ts'),
    )
    expect(out.status).toBe(404)
  })

  it('builds the window isolated, sandboxed, without Node, with the CJS preload', () => {
    expect(fake.state.windows).toHaveLength(1)
    const prefs = fake.state.windows[0]!.options.webPreferences as Record<string, unknown>
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
    })
    expect(String(prefs.preload)).toMatch(/preload[/\\]index\.cjs$/)
  })

  it('turns the spellchecker off, so Chromium fetches no dictionaries', () => {
    const prefs = fake.state.windows[0]!.options.webPreferences as Record<string, unknown>
    expect(prefs.spellcheck).toBe(false)
    expect(fake.state.spellChecker).toBe(false)
  })

  it('registers a handler for every contract call, and only those', () => {
    const channels = Object.keys(CALLS).map((n) => channelFor(n as CallName))
    expect([...fake.state.ipc.keys()].sort()).toEqual(channels.sort())
  })

  it('answers the app page and refuses any other frame', async () => {
    const handler = fake.state.ipc.get(channelFor('app.info'))!
    const page = fake.state.windows[0]!.loaded!
    expect(page).toBe(PAGE)
    const ok = (await handler({ senderFrame: { url: page, parent: null } }, undefined)) as {
      ok: boolean
    }
    expect(ok.ok).toBe(true)
    const foreign = (await handler(
      { senderFrame: { url: 'https://example.com/', parent: null } },
      undefined,
    )) as { ok: boolean; error: { code: string } }
    expect(foreign).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    const sub = (await handler({ senderFrame: { url: page, parent: {} } }, undefined)) as {
      ok: boolean
    }
    expect(sub.ok).toBe(false)
    // The built file itself is not the page any more.
    const file = (await handler(
      { senderFrame: { url: rendererFileUrl(), parent: null } },
      undefined,
    )) as {
      ok: boolean
    }
    expect(file.ok).toBe(false)
  })

  it('grants full screen and clipboard writing to the page only; denies new windows, navigation', () => {
    const request = (permission: string, requestingUrl: string, isMainFrame = true) => {
      let granted: boolean | null = null
      const ask = fake.state.permissionRequest as unknown as (
        wc: unknown,
        p: string,
        cb: (ok: boolean) => void,
        d: unknown,
      ) => void
      ask({}, permission, (ok) => (granted = ok), { requestingUrl, isMainFrame })
      return granted
    }
    expect(request('fullscreen', PAGE)).toBe(true)
    expect(request('clipboard-sanitized-write', PAGE)).toBe(true)
    for (const p of ['media', 'clipboard-read', 'notifications', 'geolocation', 'openExternal'])
      expect(request(p, PAGE)).toBe(false)
    expect(request('fullscreen', 'https://evil.example/')).toBe(false)
    expect(request('fullscreen', PAGE, false)).toBe(false)
    // Without details (not what Electron does), refused rather than thrown.
    let bare: boolean | null = null
    fake.state.permissionRequest!({}, 'fullscreen', (ok) => (bare = ok))
    expect(bare).toBe(false)
    const check = fake.state.permissionCheck!
    expect(check(null, 'clipboard-sanitized-write', 'app://studio/', { isMainFrame: true })).toBe(
      true,
    )
    expect(
      check(null, 'fullscreen', 'app://studio/', { requestingUrl: PAGE, isMainFrame: true }),
    ).toBe(true)
    expect(check(null, 'clipboard-read', 'app://studio/', { isMainFrame: true })).toBe(false)
    expect(check(null, 'fullscreen', 'https://evil.example/', { isMainFrame: true })).toBe(false)
    const win = fake.state.windows[0]!
    expect(win.openHandler!({ url: 'https://klingai.com/' })).toEqual({ action: 'deny' })
    expect(fake.state.external).toEqual(['https://klingai.com/'])
    expect(win.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
    // Only the app's own external pages: not any https address.
    expect(win.openHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' })
    expect(fake.state.external).toHaveLength(1)
    let prevented = false
    win.handlers['wc:will-navigate']!(
      { preventDefault: () => (prevented = true) },
      'https://evil.example/',
    )
    expect(prevented).toBe(true)
  })

  it('serves media only for saved jobs', async () => {
    const res = await fake.state.protocolHandlers.get('media')!(
      new Request('media://video/unknown-job'),
    )
    expect(res.status).toBe(404)
  })
})
