// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Job } from '../../src/shared/jobs'
import { job } from '../fixtures/job'
import { FILTERED_REFRESH_MS, mergeTotal, useJobs } from '../../src/renderer/src/stores/jobs'
import { en } from '../../src/renderer/src/i18n/en'
import { id } from '../../src/renderer/src/i18n/id'
import { systemLanguage, translate } from '../../src/renderer/src/i18n'
import {
  emptyForm,
  fromRequest,
  loadPresets,
  presetOptions,
  savePresets,
  toRequest,
} from '../../src/renderer/src/features/compose/form'

beforeEach(() => {
  useJobs.setState({
    byId: {},
    ids: [],
    total: 0,
    totalIsEstimate: false,
    sort: 'newest',
    query: {},
    loadedPages: {},
    progress: {},
    facts: {},
    factsAsked: {},
  })
})

describe('jobs store', () => {
  it('drops an update older than the one it holds', () => {
    useJobs.getState().apply(job({ state: 'processing', revision: 5 }))
    useJobs.getState().apply(job({ state: 'submitted', revision: 3 }))
    expect(useJobs.getState().byId.j1!.state).toBe('processing')
    useJobs.getState().apply(job({ state: 'done', revision: 6 }))
    expect(useJobs.getState().byId.j1!.state).toBe('done')
  })

  it('puts a new job at the top of an unfiltered library', () => {
    useJobs.getState().apply(job({ id: 'a', revision: 1 }))
    useJobs.getState().apply(job({ id: 'b', revision: 2 }))
    expect(useJobs.getState().ids).toEqual(['b', 'a'])
    expect(useJobs.getState().total).toBe(2)
  })

  it('does not put an older job another process changed at the top (it is not new)', () => {
    useJobs.getState().apply(job({ id: 'new', createdAt: 2_000, revision: 1 }))
    useJobs.getState().apply(job({ id: 'old', createdAt: 1_000, favourite: true, revision: 2 }))
    expect(useJobs.getState().ids).toEqual(['new'])
    expect(useJobs.getState().total).toBe(1)
    expect(useJobs.getState().byId.old!.favourite).toBe(true)
  })

  it('loads pages on demand through window.api, once each', async () => {
    const list = vi.fn(async (q: { offset?: number; limit?: number }) => ({
      ok: true as const,
      data: {
        total: 450,
        jobs: Array.from({ length: Math.min(200, 450 - (q.offset ?? 0)) }, (_, i) =>
          job({ id: `j${(q.offset ?? 0) + i}` }),
        ),
      },
    }))
    ;(window as unknown as { api: unknown }).api = { tasks: { list } }
    await useJobs.getState().setQuery({ search: 'x' })
    expect(list).toHaveBeenCalledWith({ search: 'x', limit: 200, offset: 0 })
    await useJobs.getState().ensureRange(150, 420)
    await useJobs.getState().ensureRange(0, 10)
    expect(list).toHaveBeenCalledTimes(3)
    const s = useJobs.getState()
    expect(s.total).toBe(450)
    expect(s.ids[449]).toBe('j449')
    expect(s.ids.filter(Boolean)).toHaveLength(450)
  })

  it('runs the same query again only when forced (a rescan), and refreshes a filtered view', async () => {
    vi.useFakeTimers()
    try {
      let answer: Job[] = []
      const list = vi.fn(async () => ({ ok: true, data: { jobs: answer, total: answer.length } }))
      ;(window as unknown as { api: unknown }).api = { tasks: { list } }
      const store = useJobs.getState()
      await store.setQuery({ states: ['done'] })
      await useJobs.getState().setQuery({ states: ['done'] })
      expect(list).toHaveBeenCalledTimes(1)
      await useJobs.getState().setQuery({ states: ['done'] }, true)
      expect(list).toHaveBeenCalledTimes(2)
      // A job finishes while the view shows only finished ones: main is asked again, once.
      useJobs.getState().apply(job({ id: 'n1', state: 'processing', revision: 1 }))
      answer = [job({ id: 'n1', state: 'done', revision: 2 })]
      useJobs.getState().apply(answer[0]!)
      await vi.advanceTimersByTimeAsync(FILTERED_REFRESH_MS + 10)
      expect(list).toHaveBeenCalledTimes(3)
      expect(useJobs.getState().ids).toEqual(['n1'])
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('library totals, order and facts', () => {
  it('keeps the largest total while it is a lower bound, and the exact one once known', () => {
    const exact = { total: 300, totalIsEstimate: false }
    expect(mergeTotal(exact, { total: 1200, totalIsEstimate: true })).toEqual({
      total: 1200,
      totalIsEstimate: true,
    })
    const bound = { total: 1200, totalIsEstimate: true }
    expect(mergeTotal(bound, { total: 1000, totalIsEstimate: true })).toEqual(bound)
    expect(mergeTotal(bound, { total: 2000, totalIsEstimate: false })).toEqual({
      total: 2000,
      totalIsEstimate: false,
    })
    expect(
      mergeTotal({ total: 2000, totalIsEstimate: false }, { total: 900, totalIsEstimate: true }),
    ).toEqual({ total: 2000, totalIsEstimate: false })
  })

  it('a later page of a search raises the total and keeps saying it is a bound', async () => {
    const list = vi.fn(async (q: { offset?: number }) => ({
      ok: true as const,
      data: {
        total: (q.offset ?? 0) === 0 ? 1200 : 1400,
        totalIsEstimate: true,
        jobs: Array.from({ length: 200 }, (_, i) => job({ id: `s${(q.offset ?? 0) + i}` })),
      },
    }))
    ;(window as unknown as { api: unknown }).api = { tasks: { list } }
    await useJobs.getState().setQuery({ search: 'otter' })
    expect(useJobs.getState()).toMatchObject({ total: 1200, totalIsEstimate: true })
    await useJobs.getState().ensureRange(1000, 1100)
    expect(useJobs.getState()).toMatchObject({ total: 1400, totalIsEstimate: true })
    // An earlier page answering a smaller bound later does not lower it.
    list.mockImplementationOnce(async () => ({
      ok: true as const,
      data: { total: 1200, totalIsEstimate: true, jobs: [job({ id: 'x' })] },
    }))
    await useJobs.getState().ensureRange(200, 210)
    expect(useJobs.getState().total).toBe(1400)
  })

  it('oldest first reads the same pages from the end, only with an exact total', async () => {
    const list = vi.fn(async (q: { offset?: number }) => ({
      ok: true as const,
      data: {
        total: 450,
        jobs: Array.from({ length: Math.min(200, 450 - (q.offset ?? 0)) }, (_, i) =>
          job({ id: `j${(q.offset ?? 0) + i}` }),
        ),
      },
    }))
    ;(window as unknown as { api: unknown }).api = { tasks: { list } }
    await useJobs.getState().setQuery({})
    useJobs.getState().setSort('oldest')
    await useJobs.getState().ensurePositions(0, 5)
    expect(list).toHaveBeenLastCalledWith({ limit: 200, offset: 400 })
    expect(useJobs.getState().idAt(0)).toBe('j449')
    expect(useJobs.getState().positionOf('j449')).toBe(0)
    expect(useJobs.getState().positionOf('j0')).toBe(449)
    useJobs.setState({ totalIsEstimate: true })
    expect(useJobs.getState().effectiveSort()).toBe('newest')
    expect(useJobs.getState().idAt(0)).toBe('j0')
  })

  it('asks for the facts of saved files once, in batches of at most 500', async () => {
    const facts = vi.fn(async ({ ids }: { ids: string[] }) => ({
      ok: true as const,
      data: Object.fromEntries(
        ids.map((id) => [
          id,
          { width: 1, height: 1, fps: 1, durationSeconds: 1, bytes: 1, fileName: id },
        ]),
      ),
    }))
    ;(window as unknown as { api: unknown }).api = { library: { facts } }
    const jobs = Array.from({ length: 620 }, (_, i) => job({ id: `f${i}`, saved: i !== 3 }))
    useJobs.getState().applyMany(jobs)
    const ids = jobs.map((j) => j.id)
    await Promise.all([useJobs.getState().ensureFacts(ids), useJobs.getState().ensureFacts(ids)])
    expect(facts.mock.calls.map(([a]) => a.ids.length)).toEqual([500, 119])
    expect(useJobs.getState().facts.f619?.fileName).toBe('f619')
    expect(useJobs.getState().facts.f3).toBeUndefined()
  })

  it('asks again about a file saved anew, and forgets the facts of a job removed', async () => {
    let width = 640
    const facts = vi.fn(async ({ ids }: { ids: string[] }) => ({
      ok: true as const,
      data: Object.fromEntries(
        ids.map((id) => [
          id,
          { width, height: 360, fps: 24, durationSeconds: 5, bytes: 9, fileName: `${id}.mp4` },
        ]),
      ),
    }))
    ;(window as unknown as { api: unknown }).api = { library: { facts } }
    const s = () => useJobs.getState()
    const first = job({ id: 'a', saved: true, bytes: 100, updatedAt: 10, revision: 1 })
    s().applyMany([first, job({ id: 'b', saved: true, bytes: 5, revision: 1 })])
    await s().ensureFacts(['a', 'b'])
    expect(s().facts.a?.width).toBe(640)

    // The same file, newer news about something else: nothing asked.
    s().apply({ ...first, revision: 2 })
    await s().ensureFacts(['a'])
    expect(facts).toHaveBeenCalledTimes(1)

    // Saved again (other bytes): asked anew; the old facts show until the new ones come.
    width = 1280
    s().apply({ ...first, bytes: 200, updatedAt: 20, revision: 3 })
    expect(s().facts.a?.width).toBe(640)
    await s().ensureFacts(['a'])
    expect(facts).toHaveBeenCalledTimes(2)
    expect(s().facts.a?.width).toBe(1280)

    // Re-written in place (same size, later update), from a page of the list this time.
    width = 1920
    s().applyMany([{ ...first, bytes: 200, updatedAt: 30, revision: 4 }])
    await s().ensureFacts(['a'])
    expect(s().facts.a?.width).toBe(1920)

    s().remove('b')
    expect(s().facts.b).toBeUndefined()
    expect(s().factsAsked.b).toBeUndefined()
  })
})

describe('compose form', () => {
  it('leaves every option on "server default" out of the request', () => {
    const form = { ...emptyForm(), prompt: 'a cat', externalId: 'ks-x' }
    expect(toRequest(form)).toEqual({ prompt: 'a cat', external_task_id: 'ks-x' })
  })

  it('maps every option, and back', () => {
    const form = {
      ...emptyForm(),
      prompt: 'a cat',
      negative: 'blur',
      aspect: '9:16' as const,
      duration: '10' as const,
      mode: 'pro' as const,
      model: 'kling-v1',
      useCfg: true,
      cfg: 0.3,
      camera: 'simple' as const,
      axis: 'pan' as const,
      amount: -4,
      callback: 'https://example.com/cb',
      externalId: 'ks-y',
    }
    const request = toRequest(form)
    expect(request).toEqual({
      prompt: 'a cat',
      negative_prompt: 'blur',
      aspect_ratio: '9:16',
      duration: '10',
      mode: 'pro',
      model_name: 'kling-v1',
      cfg_scale: 0.3,
      camera_control: { type: 'simple', config: { pan: -4 } },
      callback_url: 'https://example.com/cb',
      external_task_id: 'ks-y',
    })
    const back = fromRequest(request as never, emptyForm())
    expect({ ...back, externalId: 'ks-y' }).toEqual(form)
  })

  it('starts from the default options in settings', () => {
    expect(emptyForm({ aspect_ratio: '1:1', mode: 'std' })).toMatchObject({
      aspect: '1:1',
      mode: 'std',
      duration: '',
    })
  })

  it('keeps presets without the prompt or ids', () => {
    const form = {
      ...emptyForm(),
      prompt: 'secret plan',
      aspect: '1:1' as const,
      callback: 'https://x/cb',
    }
    expect(presetOptions(form)).toEqual({ aspect_ratio: '1:1' })
    savePresets([{ name: 'Square', options: presetOptions(form) }])
    expect(loadPresets()).toEqual([{ name: 'Square', options: { aspect_ratio: '1:1' } }])
    localStorage.setItem('kling.presets', '{broken')
    expect(loadPresets()).toEqual([])
  })
})

describe('languages', () => {
  it('Indonesian has every English message, with the same placeholders', () => {
    const holes = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(id[key], key).toBeTruthy()
      expect(holes(id[key]), key).toEqual(holes(en[key]))
    }
    expect(Object.keys(id).sort()).toEqual(Object.keys(en).sort())
  })

  it('fills placeholders and follows the system language', () => {
    expect(translate('en', 'queue.slots', { running: 2, max: 3, queued: 1 })).toBe(
      '2 of 3 running · 1 waiting',
    )
    expect(translate('id', 'queue.slots', { running: 2, max: 3, queued: 1 })).toBe(
      '2 dari 3 berjalan · 1 menunggu',
    )
    expect(systemLanguage(['id-ID', 'en-US'])).toBe('id')
    expect(systemLanguage(['en-GB'])).toBe('en')
  })
})
