import { describe, expect, it } from 'vitest'
import { apiKeyFrom } from '../../src/main/cli/address'
import { KlingApiError } from '../../src/main/kling/errors'
import { KEY_MARK, keyForms, keyScrubber } from '../../src/main/kling/scrub'
import { keyInput } from '../../src/shared/contract-checks'
import { b64, leaksOf } from '../fixtures/key-forms'

// Every form in which a server could repeat the key is cleaned out of what it says.

const KEY = 'sk-Te$t.(K3y)+[x]*?^|{9}/\\"&<>\'=%Zz0123456789'
const leaks = leaksOf(KEY)

describe('scrubbing the key out of server text', () => {
  const scrub = keyScrubber(KEY)
  const hostile: [string, string][] = [
    ['raw', `your key ${KEY} is wrong`],
    ['Bearer', `Authorization: Bearer ${KEY}`],
    ['BEARER', `authorization: BEARER ${KEY};`],
    ['url-encoded', `?key=${encodeURIComponent(KEY)}&x=1`],
    ['url-encoded twice', encodeURIComponent(encodeURIComponent(KEY))],
    ['form-encoded', new URLSearchParams({ key: KEY }).toString()],
    ['lower-case percent escapes', encodeURIComponent(KEY).toLowerCase()],
    ['base64 of the key', `x-auth: ${b64(KEY)}`],
    ['base64 of Bearer key', `basic ${b64(`Bearer ${KEY}`)}`],
    ['base64 of bearer key', b64(`bearer ${KEY}`)],
    ['base64url', Buffer.from(`Bearer ${KEY}`).toString('base64url')],
    ['base64 of a whole header dump', b64(`{"headers":{"authorization":"Bearer ${KEY}"}}`)],
    ['base64 at offset 1', b64(`a${KEY}b`)],
    ['base64 at offset 2', b64(`ab${KEY}`)],
    ['JSON-escaped', JSON.stringify({ auth: `Bearer ${KEY}` })],
    ['JSON-escaped twice', JSON.stringify(JSON.stringify({ auth: KEY }))],
    [
      'HTML-escaped',
      `<title>Bad header ${KEY.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}</title>`,
    ],
    ['cut short', `Bearer ${KEY.slice(0, 20)}...`],
    ['upper-cased', KEY.toUpperCase()],
  ]

  it.each(hostile)('%s', (_name, text) => {
    const clean = scrub.text(text)
    expect(leaks(clean)).toEqual([])
    expect(clean).toContain(KEY_MARK)
  })

  it('leaves text without the key alone', () => {
    for (const text of [
      'Task failed: content policy (request id 2025-abc)',
      'Missing Bearer authentication header',
      'https://cdn.example.com/v/123.mp4?sig=abc',
      '',
    ])
      expect(scrub.text(text)).toBe(text)
  })

  it("leaves ids alone for a key too short to tell from ordinary words (the emulator's)", () => {
    expect(keyScrubber('soak').text('external id ks-soak-18')).toBe('external id ks-soak-18')
    const url = 'http://127.0.0.1:8787/__emulator/videos/1.mp4'
    expect(keyScrubber('emulator').text(url)).toBe(url)
  })

  it('also hides another long token after Bearer', () => {
    expect(scrub.text('Bearer sk-other0123456789abcdef')).toBe(`Bearer ${KEY_MARK}`)
  })

  it('lists each form once, longest first', () => {
    const forms = keyForms(KEY)
    expect(new Set(forms).size).toBe(forms.length)
    expect([...forms].sort((a, b) => b.length - a.length)).toEqual(forms)
    expect(forms).toContain(b64(`BEARER ${KEY}`))
  })

  it('cleans every string of a task, and every text of an error', () => {
    const task = scrub.task({
      task_id: `t-${KEY}`,
      task_status: 'failed',
      task_status_msg: `denied for Bearer ${KEY}`,
      external_task_id: encodeURIComponent(KEY),
      videos: [
        {
          id: '1',
          url: `https://cdn.example.com/v.mp4?k=${encodeURIComponent(KEY)}`,
          duration: '5',
        },
      ],
      parent_video: { id: KEY, url: 'https://x.example/p.mp4', duration: '5' },
      created_at: 1,
      updated_at: 2,
      final_unit_deduction: null,
      request_id: b64(KEY),
    })
    expect(leaks(JSON.stringify(task))).toEqual([])
    expect(task.created_at).toBe(1)
    expect(task.videos[0]!.url).toBe(`https://cdn.example.com/v.mp4?k=${KEY_MARK}`)

    const refused = new TypeError(`bad header "Bearer ${KEY}"`)
    const error = scrub.error(
      new KlingApiError({
        kind: 'authentication',
        message: `HTTP 401: the server answered with a web page ("Bearer ${KEY}")`,
        status: 401,
        code: KEY,
        requestId: `req-${b64(KEY)}`,
        retryAfterMs: 5,
        mayHaveReachedServer: true,
        cause: refused,
      }),
    )
    expect(error).toBeInstanceOf(KlingApiError)
    const said = [error.message, error.describe(), JSON.stringify(error.toInfo()), error.stack]
    expect(leaks(said.join('\n'))).toEqual([])
    expect(error.cause).toBeUndefined()
    expect([error.kind, error.status, error.retryAfterMs]).toEqual(['authentication', 401, 5])
    const plain = new Error('no key here')
    expect(
      scrub.error(new KlingApiError({ kind: 'network', message: 'x', cause: plain })).cause,
    ).toBe(plain)
  })
})

describe('a key with control characters is refused when set', () => {
  it.each([
    'sk-abc\u0000defgh',
    'sk-abc\ndefghij',
    'sk-abc defghij',
    'sk-abc\u007fdefgh',
    'sk-äbcdefghij',
  ])('the app refuses %j', (key) => {
    const checked = keyInput({ key })
    expect(checked.ok).toBe(false)
    if (!checked.ok) expect(checked.message).not.toContain(key)
  })

  it('the app takes a printable key, trimmed', () => {
    expect(keyInput({ key: ' sk-ok-0123456789\n' })).toEqual({
      ok: true,
      value: { key: 'sk-ok-0123456789' },
    })
  })

  it.each(['sk-abc\u0000defgh', 'sk-abc\rdefghij', 'sk-abc defghij', 'sk-\u0085abc'])(
    'the command line refuses COMETAPI_KEY=%j without quoting it',
    async (key) => {
      const refusal = await apiKeyFrom({ COMETAPI_KEY: key }).catch((e: Error) => e)
      expect(refusal).toBeInstanceOf(Error)
      expect((refusal as Error).message).toMatch(/^COMETAPI_KEY is not usable/)
      expect((refusal as Error).message).not.toContain('abc')
    },
  )

  it('the command line takes a printable key from the environment, trimmed', async () => {
    expect(await apiKeyFrom({ COMETAPI_KEY: 'sk-env-key\n' })).toBe('sk-env-key')
  })
})
