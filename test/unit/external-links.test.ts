import { describe, expect, it } from 'vitest'
import { externalAllowed, KEY_PAGE } from '../../src/shared/external-links'

// The pages the window may hand to the system browser: the app's own, on CometAPI's and Kling's
// sites over https, and no address dressed up to look like one.

describe('externalAllowed', () => {
  it('lets the app’s own pages through', () => {
    for (const url of [
      KEY_PAGE,
      'https://cometapi.com/',
      'https://apidoc.cometapi.com/kling',
      'https://klingai.com/',
      'https://app.klingai.com/global/',
    ])
      expect(externalAllowed(url), url).toBe(true)
  })

  it('refuses anything else, however it is dressed', () => {
    for (const url of [
      'http://www.cometapi.com/console/token',
      'https://example.com/',
      'https://evilcometapi.com/',
      'https://cometapi.com.evil.example/',
      'https://www.cometapi.com@evil.example/',
      'https://user:pass@www.cometapi.com/',
      'https://www.cometapi.com:8443/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'app://studio/index.html',
      'not a url',
    ])
      expect(externalAllowed(url), url).toBe(false)
  })
})
