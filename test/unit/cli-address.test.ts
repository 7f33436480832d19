import { describe, expect, it } from 'vitest'
import { sanitizeSettings } from '../../src/shared/settings'
import { baseUrlFrom } from '../../src/main/cli/address'

// One rule for where the key may go, whichever source names the address.

describe('the command line: where the key may go', () => {
  const settings = (baseUrl: string) => ({ ...sanitizeSettings({}), baseUrl })

  it.each(['http://api.example.com', 'https://user:pw@api.example.com', 'http://192.168.1.5:8080'])(
    'refuses %s from a flag, the environment or a hand-edited settings file',
    (url) => {
      expect(() => baseUrlFrom(url, {}, null)).toThrow(/--base-url: refusing to send the API key/)
      expect(() => baseUrlFrom(undefined, { COMETAPI_BASE_URL: url }, null)).toThrow(
        /COMETAPI_BASE_URL: refusing/,
      )
      expect(() => baseUrlFrom(undefined, {}, settings(url))).toThrow(/the app settings: refusing/)
      // And the settings file never even yields it: it reads as CometAPI's own address.
      expect(sanitizeSettings({ baseUrl: url }).baseUrl).toBe('https://api.cometapi.com')
    },
  )

  it.each([
    'https://api.cometapi.com',
    'http://127.0.0.1:8787',
    'http://localhost:9',
    'http://[::1]:1',
  ])('takes %s', (url) => expect(baseUrlFrom(url, {}, null)).toBe(url))

  it('the flag wins over the environment, which wins over the settings', () => {
    const env = { COMETAPI_BASE_URL: 'https://env.example.com' }
    expect(baseUrlFrom('https://flag.example.com', env, settings('https://s.example.com'))).toBe(
      'https://flag.example.com',
    )
    expect(baseUrlFrom(undefined, env, settings('https://s.example.com'))).toBe(
      'https://env.example.com',
    )
    expect(baseUrlFrom(undefined, {}, settings('https://s.example.com'))).toBe(
      'https://s.example.com',
    )
  })
})
