import { describe, expect, it } from 'vitest'
import { resolveLanguage } from '../../src/shared/language'
import { notificationFor } from '../../src/shared/system-text'
import { job } from '../fixtures/job'

describe('language', () => {
  it.each([
    ['system', ['id-ID', 'en-US'], 'id'],
    ['system', ['in'], 'id'],
    ['system', ['en-GB', 'id'], 'id'],
    ['system', ['en-US'], 'en'],
    ['system', ['ind'], 'en'],
    ['system', [], 'en'],
    ['en', ['id-ID'], 'en'],
    ['id', ['en-US'], 'id'],
  ] as const)('%s with %j speaks %s', (preference, system, expected) => {
    expect(resolveLanguage(preference, system)).toBe(expected)
  })

  it('words a notification in the language, passing the service message on as it came', () => {
    const failed = job({
      id: 'n1',
      state: 'failed',
      statusMessage: 'Failure to pass the risk control system',
      request: { prompt: 'x'.repeat(120) },
    })
    expect(notificationFor(failed, 'id')).toEqual({
      jobId: 'n1',
      title: 'Pembuatan video gagal',
      body: `${'x'.repeat(79)}…\nFailure to pass the risk control system`,
    })
    expect(
      notificationFor(job({ state: 'done', request: { prompt: 'A koi pond' } }), 'en'),
    ).toEqual({ jobId: 'j1', title: 'Video ready', body: 'A koi pond' })
    expect(notificationFor(job({ state: 'expired' }), 'en').title).toBe('Generation ended')
  })
})
