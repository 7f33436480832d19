import { describe, expect, it } from 'vitest'
import { originOf, permissionAllowed } from '../../src/main/platform/permissions'

// The window's permission table: full screen and writing the clipboard, for the app's own page's
// top frame only; everything else, and everyone else, refused.

const APP = ['app://studio']
const DEV = ['http://localhost:5173']
const page = { url: 'app://studio/index.html', isMainFrame: true }

describe('originOf', () => {
  it.each([
    ['app://studio/index.html', 'app://studio'],
    ['app://studio/', 'app://studio'],
    ['app://studio', 'app://studio'],
    ['app://user:pw@studio/x', 'app://studio'],
    ['http://localhost:5173/', 'http://localhost:5173'],
    ['https://example.com/a?b#c', 'https://example.com'],
    ['file:///work/out/renderer/index.html', null],
    ['data:text/html,hi', null],
    ['null', null],
    ['app:studio', null],
    ['', null],
  ])('%s -> %s', (url, origin) => {
    expect(originOf(url)).toBe(origin)
  })
})

describe('permissionAllowed', () => {
  it('grants full screen and clipboard writing to the app page', () => {
    expect(permissionAllowed('fullscreen', page, APP)).toBe(true)
    expect(permissionAllowed('clipboard-sanitized-write', page, APP)).toBe(true)
    // As the check handler asks: an origin with a trailing slash, and the frame's URL.
    const check = { origin: 'app://studio/', url: 'app://studio/index.html', isMainFrame: true }
    expect(permissionAllowed('clipboard-sanitized-write', check, APP)).toBe(true)
    expect(
      permissionAllowed('fullscreen', { origin: 'app://studio', isMainFrame: true }, APP),
    ).toBe(true)
  })

  it.each([
    'clipboard-read',
    'deprecated-sync-clipboard-read',
    'automatic-fullscreen',
    'media',
    'display-capture',
    'geolocation',
    'notifications',
    'openExternal',
    'pointerLock',
    'keyboardLock',
    'midiSysex',
    'hid',
    'usb',
    'serial',
    'fileSystem',
    'local-fonts',
    'window-management',
    'storage-access',
    'unknown',
    '',
  ])('refuses %s even to the app page', (permission) => {
    expect(permissionAllowed(permission, page, APP)).toBe(false)
  })

  it.each([
    ['another origin', { url: 'https://evil.example/', isMainFrame: true }],
    ['a look-alike host', { url: 'app://studio.evil/index.html', isMainFrame: true }],
    ['another scheme, same host', { url: 'media://studio/x', isMainFrame: true }],
    ['a file: page', { url: 'file:///work/main/out/renderer/index.html', isMainFrame: true }],
    ['an opaque origin', { origin: 'null', isMainFrame: true }],
    ['a sub-frame of the page', { url: 'app://studio/index.html', isMainFrame: false }],
    ['a frame of unknown kind', { url: 'app://studio/index.html' }],
    ['nobody named', { isMainFrame: true }],
    ['an empty URL', { url: '', isMainFrame: true }],
    [
      'a page URL with a foreign origin',
      { url: 'app://studio/index.html', origin: 'https://evil.example/', isMainFrame: true },
    ],
  ])('refuses %s', (_name, asker) => {
    expect(permissionAllowed('fullscreen', asker, APP)).toBe(false)
    expect(permissionAllowed('clipboard-sanitized-write', asker, APP)).toBe(false)
  })

  it('in development, grants the dev server page and not app://', () => {
    const dev = { url: 'http://localhost:5173/', isMainFrame: true }
    expect(permissionAllowed('fullscreen', dev, DEV)).toBe(true)
    expect(permissionAllowed('fullscreen', page, DEV)).toBe(false)
    expect(
      permissionAllowed(
        'clipboard-sanitized-write',
        { url: 'http://localhost:5173.evil.example/', isMainFrame: true },
        DEV,
      ),
    ).toBe(false)
    expect(permissionAllowed('media', dev, DEV)).toBe(false)
  })

  it('grants nothing when the page has no origin listed', () => {
    expect(permissionAllowed('fullscreen', page, [])).toBe(false)
    expect(permissionAllowed('fullscreen', { origin: 'null', isMainFrame: true }, ['null'])).toBe(
      false,
    )
  })
})
