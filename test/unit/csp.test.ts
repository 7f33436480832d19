import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from '../../src/shared/csp'
import { LOOK_SCRIPT, LOOK_SCRIPT_HASH } from '../../src/shared/first-look'

describe('Content Security Policy', () => {
  it('the page carries the same policy as main sends, less its header-only directive', () => {
    const html = readFileSync('src/renderer/index.html', 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
    expect(meta).toBe(META_CONTENT_SECURITY_POLICY)
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'")
    expect(meta).not.toContain('frame-ancestors')
    for (const directive of ["object-src 'none'", "base-uri 'none'", "connect-src 'self'"])
      expect(meta).toContain(directive)
  })

  it('allows the one inline script by its hash, and no other inline script', () => {
    const hash = createHash('sha256').update(LOOK_SCRIPT).digest('base64')
    expect(LOOK_SCRIPT_HASH).toBe(`'sha256-${hash}'`)
    const scripts = /script-src ([^;]+)/.exec(CONTENT_SECURITY_POLICY)![1]!.split(' ')
    expect(scripts).toEqual(["'self'", LOOK_SCRIPT_HASH])
  })
})
