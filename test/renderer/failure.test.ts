import { describe, expect, it } from 'vitest'
import { translate, type MessageKey } from '../../src/renderer/src/i18n'
import {
  categoryOf,
  failureOf,
  unreachableOf,
  type FailureCategory,
} from '../../src/renderer/src/ui/failure'
import type { ApiErrorInfo } from '../../src/shared/kling'
import { job } from '../fixtures/job'

// Failures are explained by category, and each category decides what may be offered: never a
// paid Retry where the same request would fail again, never a new task where a free download or
// a resend under the same id is what helps.

const en = (key: MessageKey, params?: Record<string, string | number>) =>
  translate('en', key, params)
const id = (key: MessageKey, params?: Record<string, string | number>) =>
  translate('id', key, params)

const error = (over: Partial<ApiErrorInfo>): ApiErrorInfo => ({
  kind: 'invalid_request',
  status: null,
  code: null,
  message: 'refused',
  request_id: null,
  ...over,
})
const failed = (over: Parameters<typeof job>[0]) => job({ state: 'failed', ...over })

describe('failureOf', () => {
  it('says nothing of a job that has not failed', () => {
    for (const state of ['queued', 'creating', 'processing', 'downloading', 'done'] as const)
      expect(failureOf(job({ state }), en)).toBeNull()
  })

  it('offers Edit and retry, never Retry, for a content-policy refusal, with its request id', () => {
    const cases = [
      // The service ended the task with its moderation message and no error kind.
      failed({
        statusMessage:
          'Failure to pass the risk control system: the prompt violates the content policy',
        requestId: 'req-task',
      }),
      failed({ error: error({ kind: 'content_policy', request_id: 'req-kind' }) }),
      failed({ error: error({ kind: 'invalid_request', code: '1301', status: 400 }) }),
    ]
    for (const j of cases) {
      const f = failureOf(j, en)!
      expect(f.category).toBe('content_policy')
      expect(f.actions).toEqual(['edit'])
      expect(f.retryable).toBe(false)
      expect(f.title).toBe('The service refused this under its content policy.')
    }
    expect(failureOf(cases[0]!, en)!.requestId).toBe('req-task')
    expect(failureOf(cases[1]!, en)!.requestId).toBe('req-kind')
  })

  it('maps error kinds and statuses to categories and what to do', () => {
    const expectations: [ApiErrorInfo, FailureCategory, string[]][] = [
      [error({ kind: 'insufficient_credit', code: '1102', status: 429 }), 'credit', ['retry']],
      [error({ kind: 'authentication', status: 401 }), 'key', ['settings', 'retry']],
      [error({ kind: 'rate_limited', status: 429 }), 'busy', ['retry']],
      [error({ kind: 'too_many_tasks', code: '1303' }), 'busy', ['retry']],
      [error({ kind: 'invalid_request', status: 400 }), 'request', ['edit']],
      [error({ kind: 'network' }), 'unreachable', ['settings', 'retry']],
      [error({ kind: 'timeout' }), 'unreachable', ['settings', 'retry']],
      // A redirect where the API should be: the address is wrong.
      [error({ kind: 'unreadable_response', status: 302 }), 'unreachable', ['settings', 'retry']],
      [error({ kind: 'server', status: 503 }), 'service', ['retry']],
      [error({ kind: 'unreadable_response', status: 200 }), 'service', ['retry']],
    ]
    for (const [e, category, actions] of expectations) {
      const f = failureOf(failed({ error: e, statusMessage: e.message }), en)!
      expect([e.kind, f.category]).toEqual([e.kind, category])
      expect(f.actions).toEqual(actions)
      expect(f.retryable).toBe(actions.includes('retry'))
    }
  })

  it('offers the free download, never a new task, for a video the service made', () => {
    const f = failureOf(
      failed({ taskStatus: 'succeed', error: error({ kind: 'download', message: 'reset' }) }),
      en,
    )!
    expect(f.category).toBe('download')
    expect(f.actions).toEqual(['download'])
    expect(f.retryable).toBe(false)
    const lapsed = failureOf(job({ state: 'expired', taskStatus: 'succeed' }), en)!
    expect(lapsed.category).toBe('expired')
    expect(lapsed.actions).toEqual(['download', 'edit'])
  })

  it('offers an unconfirmed create only Send again under its own id and Check now', () => {
    const f = failureOf(
      job({ state: 'needs_attention', taskId: null, error: error({ kind: 'ambiguous_create' }) }),
      en,
    )!
    expect(f.category).toBe('unconfirmed')
    expect(f.actions).toEqual(['resend', 'recheck'])
    expect(f.retryable).toBe(false)
    expect(failureOf(job({ state: 'needs_attention', taskId: '42' }), en)!.actions).toEqual([
      'recheck',
    ])
  })

  it('a video that could not be saved on this computer offers Download again and Settings', () => {
    const full = job({
      state: 'failed',
      taskStatus: 'succeed',
      error: error({ kind: 'download', code: 'local_disk_full' }),
    })
    const f = failureOf(full, en)!
    expect(f.category).toBe('download')
    expect(f.actions).toEqual(['download', 'settings'])
    expect(f.hint).toMatch(/Make room on the disk/)
    const cut = job({ state: 'failed', taskStatus: 'succeed', error: error({ kind: 'download' }) })
    expect(failureOf(cut, en)!.actions).toEqual(['download'])
  })

  it('warns that Send again may be charged twice where the gateway cannot look ids up', () => {
    const unseen = job({
      state: 'needs_attention',
      taskId: null,
      error: error({ kind: 'ambiguous_create', code: 'external_id_lookup_unsupported' }),
    })
    expect(failureOf(unseen, en)!.hint).toMatch(/may be charged a second time/)
    expect(failureOf(unseen, en)!.actions).toEqual(['resend', 'recheck'])
    const usual = job({
      state: 'needs_attention',
      taskId: null,
      error: error({ kind: 'ambiguous_create' }),
    })
    expect(failureOf(usual, en)!.hint).not.toMatch(/charged a second time/)
  })

  it('lets a failure the service gave no reason for be tried again or edited', () => {
    const f = failureOf(failed({ statusMessage: '' }), en)!
    expect(f.category).toBe('other')
    expect(f.actions).toEqual(['retry', 'edit'])
  })

  it('says every category in both languages, in different words', () => {
    const jobs = [
      failed({ error: error({ kind: 'content_policy' }) }),
      failed({ error: error({ kind: 'insufficient_credit' }) }),
      failed({ error: error({ kind: 'authentication' }) }),
      failed({ error: error({ kind: 'invalid_request' }) }),
      failed({ error: error({ kind: 'rate_limited' }) }),
      failed({ error: error({ kind: 'network' }) }),
      failed({ error: error({ kind: 'server' }) }),
      failed({ taskStatus: 'succeed' }),
      job({ state: 'expired' }),
      job({ state: 'needs_attention' }),
      failed({}),
    ]
    const seen = new Set<FailureCategory>()
    for (const j of jobs) {
      const a = failureOf(j, en)!
      const b = failureOf(j, id)!
      seen.add(a.category)
      for (const text of [a.title, a.hint, b.title, b.hint]) expect(text).not.toMatch(/^failure\./)
      expect(b.title).not.toBe(a.title)
      expect(b.hint).not.toBe(a.hint)
    }
    expect(seen.size).toBe(11)
  })
})

describe('unreachableOf', () => {
  it('names the address and the reason of a take that cannot be sent', () => {
    const j = job({
      state: 'queued',
      baseUrl: 'https://api.example.com',
      error: error({
        kind: 'network',
        message: 'POST failed: could not reach the server (ENOTFOUND)',
        request_id: null,
      }),
    })
    expect(unreachableOf(j)).toEqual({
      reason: 'POST failed: could not reach the server (ENOTFOUND)',
      address: 'https://api.example.com',
      requestId: null,
    })
  })

  it('is silent for other waits and for ended jobs', () => {
    expect(unreachableOf(job({ state: 'queued', error: error({ kind: 'rate_limited' }) }))).toBe(
      null,
    )
    expect(unreachableOf(job({ state: 'failed', error: error({ kind: 'network' }) }))).toBe(null)
    expect(unreachableOf(job({ state: 'creating', error: null }))).toBe(null)
  })
})

describe('categoryOf', () => {
  it('reads a moderation message whatever kind the error was given', () => {
    expect(
      categoryOf(
        failed({
          error: error({ kind: 'invalid_request', message: 'Image contains sensitive content' }),
        }),
      ),
    ).toBe('content_policy')
  })
})
