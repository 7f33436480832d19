import { describe, expect, it } from 'vitest'
import { CALLS } from '../../src/shared/contract'
import {
  DEFAULT_SETTINGS,
  isAbsoluteFolder,
  isAllowedBaseUrl,
  sanitizeSettings,
} from '../../src/shared/settings'

describe('settings', () => {
  it.each([
    ['/home/ana/Videos/Kling', true],
    ['C:\\Users\\Ana\\Videos', true],
    ['D:/Renders', true],
    ['\\\\nas\\share\\kling', true],
    ['Videos/Kling', false],
    ['./kling', false],
    ['~/Videos', false],
    ['C:relative', false],
    ['', false],
  ])('%s is an absolute folder: %s', (path, expected) => {
    expect(isAbsoluteFolder(path)).toBe(expected)
  })

  it.each([
    ['https://api.cometapi.com', true],
    ['https://gateway.example.com/v2', true],
    ['http://127.0.0.1:8787', true],
    ['http://localhost:8787', true],
    ['http://[::1]:8787', true],
    ['http://api.cometapi.com', false],
    ['https://api.cometapi.com@evil.example', false],
    ['https://user:pw@api.cometapi.com', false],
    ['ftp://api.cometapi.com', false],
    ['not a url', false],
  ])('the key may go to %s: %s', (url, expected) => {
    expect(isAllowedBaseUrl(url)).toBe(expected)
  })

  it('keeps what is valid and puts defaults where a value is not', () => {
    const clean = sanitizeSettings({
      baseUrl: 'ftp://example.com',
      libraryFolder: 'relative/videos',
      concurrency: 0,
      language: 'id',
      theme: 'dark',
      notifications: false,
    })
    expect(clean).toMatchObject({
      baseUrl: DEFAULT_SETTINGS.baseUrl,
      libraryFolder: null,
      concurrency: DEFAULT_SETTINGS.concurrency,
      language: 'id',
      theme: 'dark',
      notifications: false,
    })
    expect(sanitizeSettings({ libraryFolder: '/srv/kling' }).libraryFolder).toBe('/srv/kling')
  })

  it('refuses a settings patch whole when one field is not valid, naming it', () => {
    const check = CALLS['settings.update'].input
    expect(check({ libraryFolder: 'videos', theme: 'dark' })).toEqual({
      ok: false,
      message: 'libraryFolder must be an absolute folder path',
    })
    expect(check({ libraryFolder: null, theme: 'dark' })).toEqual({
      ok: true,
      value: { libraryFolder: null, theme: 'dark' },
    })
    expect(check({ colour: 'red' })).toEqual({ ok: false, message: 'unknown setting(s): colour' })
  })
})
