import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { extname, join, relative, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { handlePageRequest, pageSegments } from '../../src/main/platform/page-handler'
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from '../../src/shared/csp'

// app://studio/ against the real built page (out/renderer, from `electron-vite build`): the page,
// its module script and stylesheet with the types Chromium insists on, the page's policy as a
// header; and hostile URLs (dot segments, encoded slashes, other hosts, folders, links) that must
// not reach any file outside it.

const ROOT = resolve('out/renderer')
const get = (url: string, method = 'GET') => handlePageRequest(new Request(url, { method }), ROOT)

/** Every file of the built page, relative to it. */
async function builtFiles(dir = ROOT): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...(await builtFiles(path)))
    else out.push(relative(ROOT, path))
  }
  return out
}

describe('app://studio/ serves the built page', () => {
  let html: string
  beforeAll(async () => {
    html = await readFile(join(ROOT, 'index.html'), 'utf8')
  })

  it('the page, with its policy as a header and in its meta tag', async () => {
    for (const url of ['app://studio/index.html', 'app://studio/', 'app://studio/index.html?x#y']) {
      const res = await get(url)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(await res.text()).toBe(html)
    }
    expect(html).toContain(`content="${META_CONTENT_SECURITY_POLICY}"`)
  })

  it('the module script the page names and the stylesheet it brings, byte for byte, typed', async () => {
    const script = /<script type="module" crossorigin src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1]
    // The page links no stylesheet (one would hold back its first paint): its script names it.
    const entry = script ? await readFile(join(ROOT, script), 'utf8') : ''
    const named = /["`]\.\/([^"`]+\.css)["`]/.exec(entry)?.[1]
    const style = named ? `assets/${named}` : undefined
    expect(script).toBeDefined()
    expect(style).toBeDefined()
    const expected: [string, string][] = [
      [script!, 'text/javascript; charset=utf-8'],
      [style!, 'text/css; charset=utf-8'],
    ]
    for (const [file, type] of expected) {
      const res = await get(`app://studio/${file}`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe(type)
      expect(res.headers.get('content-security-policy')).toBeNull()
      const bytes = new Uint8Array(await res.arrayBuffer())
      expect(Buffer.from(bytes).equals(await readFile(join(ROOT, file)))).toBe(true)
      expect(res.headers.get('content-length')).toBe(String(bytes.byteLength))
    }
  })

  it('every file the build made, each with a type of its own', async () => {
    const files = await builtFiles()
    expect(files.length).toBeGreaterThan(2)
    for (const file of files) {
      const res = await get(`app://studio/${file.split(/[/\\]/).map(encodeURIComponent).join('/')}`)
      expect(res.status, file).toBe(200)
      expect(res.headers.get('content-type'), file).not.toMatch(/octet-stream|text\/plain/)
      expect(extname(file)).not.toBe('')
    }
  })

  it('HEAD has the headers and no body; other methods are refused', async () => {
    const head = await get('app://studio/index.html', 'HEAD')
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(html)))
    expect(await head.text()).toBe('')
    const post = await get('app://studio/index.html', 'POST')
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')
  })
})

describe('app://studio/ refuses what is not a file of the page', () => {
  let dir: string
  let root: string
  beforeAll(async () => {
    // A page folder with a secret next to it, a link out, a folder, a file of no page type.
    dir = await mkdtemp(join(tmpdir(), 'kling-page-'))
    root = join(dir, 'renderer')
    await mkdir(join(root, 'assets', 'deep'), { recursive: true })
    await writeFile(join(root, 'index.html'), '<!doctype html><title>page</title>')
    await writeFile(join(root, 'assets', 'app.js'), 'export {}')
    await writeFile(join(root, 'assets', 'notes.txt'), 'not a page file')
    await writeFile(join(root, 'assets', 'app.js.map'), '{}')
    await writeFile(join(dir, 'secret.js'), 'SECRET')
    await symlink(join(dir, 'secret.js'), join(root, 'assets', 'linked.js'))
    await symlink(dir, join(root, 'up'))
    // A link that stays inside is no escape.
    await symlink(join(root, 'assets', 'app.js'), join(root, 'assets', 'alias.js'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  const status = async (url: string) => {
    const res = await handlePageRequest(new Request(url), root)
    const body = await res.text()
    expect(body).not.toContain('SECRET')
    return res.status
  }

  it('serves the folder itself (the control)', async () => {
    expect(await status('app://studio/index.html')).toBe(200)
    expect(await status('app://studio/assets/app.js')).toBe(200)
    expect(await status('app://studio/assets/alias.js')).toBe(200)
  })

  it.each([
    // Dot segments, plain and encoded (the URL parser folds these to a path inside, or away).
    'app://studio/../secret.js',
    'app://studio/assets/../../secret.js',
    'app://studio/%2e%2e/secret.js',
    'app://studio/assets/%2E%2E/%2e%2e/secret.js',
    // Encoded slashes and backslashes inside one segment.
    'app://studio/..%2fsecret.js',
    'app://studio/assets%2f..%2f..%2fsecret.js',
    'app://studio/..%5csecret.js',
    'app://studio/assets\\..\\..\\secret.js',
    'app://studio/%2fetc%2fpasswd',
    'app://studio//etc/passwd',
    'app://studio/C:%5cWindows%5cwin.ini',
    'app://studio/index.html%00.js',
    // Links out of the folder, to a file or through a folder.
    'app://studio/assets/linked.js',
    'app://studio/up/secret.js',
    // Folders, and files a built page does not have.
    'app://studio/assets/',
    'app://studio/assets',
    'app://studio/assets/deep/',
    'app://studio/assets/notes.txt',
    'app://studio/assets/app.js.map',
    'app://studio/missing.js',
    // Anything but the one host.
    'app://other/index.html',
    'app://studio.evil/index.html',
    'app://studio:8080/index.html',
    'media://studio/index.html',
    'file:///etc/passwd',
  ])('%s: 404', async (url) => {
    expect(await status(url)).toBe(404)
  })

  it('a URL that does not decode: 400', async () => {
    expect(await status('app://studio/%E0%A4%A')).toBe(400)
    expect(pageSegments('app://studio/%E0%A4%A')).toBe('bad')
  })

  it('names the segments it reads', () => {
    expect(pageSegments('app://studio/')).toEqual(['index.html'])
    expect(pageSegments('app://studio/assets/a%20b.js')).toEqual(['assets', 'a b.js'])
    expect(pageSegments('app://studio/assets/..%2fx')).toBe('none')
    // Electron hands no such URL (a Request cannot even carry one), but it is no page file.
    expect(pageSegments('app://user@studio/index.html')).toBe('none')
    expect(pageSegments('app://:pw@studio/index.html')).toBe('none')
  })
})
