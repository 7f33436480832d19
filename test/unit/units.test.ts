import { describe, expect, it } from 'vitest'
import {
  DEFAULT_MODEL,
  estimateUnits,
  MODEL_CATALOGUE,
  priceBasis,
  UNIT_TABLE,
  unitRowFor,
  unitSourcesFor,
  VIDEO_KINDS,
  type VideoKind,
} from '../../src/shared/kling'

// The unit table: what a request is priced at, with the service's defaults, and "unknown" where
// no source states a price.

const t2v = (r: Record<string, unknown> = {}) => ({ prompt: 'a kite', ...r })

describe('estimateUnits', () => {
  it.each([
    ['the defaults (kling-v1, std, 5 s)', t2v(), 1],
    ['kling-v1 std 10 s', t2v({ duration: '10' }), 2],
    ['kling-v1 pro 5 s', t2v({ mode: 'pro' }), 3.5],
    ['kling-v1 pro 10 s', t2v({ mode: 'pro', duration: '10' }), 7],
    ['kling-v1-6 std 5 s', t2v({ model_name: 'kling-v1-6' }), 2],
    ['kling-v1-6 pro 10 s', t2v({ model_name: 'kling-v1-6', mode: 'pro', duration: '10' }), 7],
    ['kling-v2-master std 5 s', t2v({ model_name: 'kling-v2-master' }), 10],
    [
      'kling-v2-master pro 10 s',
      t2v({ model_name: 'kling-v2-master', mode: 'pro', duration: '10' }),
      20,
    ],
    ['kling-v2-1-master 5 s', t2v({ model_name: 'kling-v2-1-master' }), 10],
    ['kling-v2-5-turbo std 5 s', t2v({ model_name: 'kling-v2-5-turbo' }), 1.5],
    [
      'kling-v2-5-turbo pro 10 s',
      t2v({ model_name: 'kling-v2-5-turbo', mode: 'pro', duration: '10' }),
      5,
    ],
    ['kling-v2-6 pro 5 s', t2v({ model_name: 'kling-v2-6', mode: 'pro' }), 2.5],
    [
      'kling-v2-6 pro 5 s with sound',
      t2v({ model_name: 'kling-v2-6', mode: 'pro', sound: 'on' }),
      5,
    ],
    [
      'kling-v2-6 pro 10 s with sound off',
      t2v({ model_name: 'kling-v2-6', mode: 'pro', duration: '10', sound: 'off' }),
      5,
    ],
    ['kling-v3 std 3 s', t2v({ model_name: 'kling-v3', duration: '3' }), 1.8],
    ['kling-v3 std 7 s', t2v({ model_name: 'kling-v3', duration: '7' }), 4.2],
    [
      'kling-v3 pro 15 s with sound',
      t2v({ model_name: 'kling-v3', mode: 'pro', duration: '15', sound: 'on' }),
      18,
    ],
    ['a duration given as a number', t2v({ duration: 10 }), 2],
  ])('%s', (_name, request, units) => {
    expect(estimateUnits('text2video', request)).toEqual({ units, perTake: units })
  })

  it('image-to-video is priced as text-to-video', () => {
    const request = { image: `input:${'0'.repeat(64)}.png`, model_name: 'kling-v1-6', mode: 'pro' }
    expect(estimateUnits('image2video', request).units).toBe(3.5)
  })

  it('multi-image-to-video has its own rows (kling-v1-6 only)', () => {
    const list = [{ image: 'https://x/a.png' }, { image: 'https://x/b.png' }]
    expect(
      estimateUnits('multi-image2video', t2v({ model_name: 'kling-v1-6', image_list: list })).units,
    ).toBe(2)
    expect(estimateUnits('multi-image2video', t2v({ image_list: list })).units).toBeNull()
  })

  it('an extension is priced by the video it extends, given as parent; without it, unknown', () => {
    const extend = { task_id: '1', video_id: 'v' }
    expect(estimateUnits('video-extend', extend)).toEqual({ units: null, perTake: null })
    expect(estimateUnits('video-extend', { ...extend, parent: {} }).units).toBe(1)
    expect(estimateUnits('video-extend', { ...extend, parent: { mode: 'pro' } }).units).toBe(3.5)
    const v16 = { ...extend, parent: { model_name: 'kling-v1-6', mode: 'std', duration: '10' } }
    expect(estimateUnits('video-extend', v16).units).toBe(2)
    expect(
      estimateUnits('video-extend', { ...extend, parent: { model_name: 'kling-v2-6' } }).units,
    ).toBeNull()
  })

  it('takes multiply the price of one', () => {
    expect(estimateUnits('text2video', t2v({ mode: 'pro' }), 3)).toEqual({
      units: 10.5,
      perTake: 3.5,
    })
    expect(estimateUnits('text2video', t2v({ model_name: 'kling-v3', duration: '7' }), 4)).toEqual({
      units: 16.8,
      perTake: 4.2,
    })
  })

  it.each([
    ['a model no source prices', t2v({ model_name: 'kling-v9' })],
    ['sound in std mode on kling-v2-6', t2v({ model_name: 'kling-v2-6', sound: 'on' })],
    ['sound on a model that makes none', t2v({ sound: 'on' })],
    ['kling-v3 outside 3 to 15 s', t2v({ model_name: 'kling-v3', duration: '20' })],
    ['an unpublished duration on a clip model', t2v({ duration: '7' })],
  ])('unknown for %s', (_name, request) => {
    expect(estimateUnits('text2video', request)).toEqual({ units: null, perTake: null })
    expect(unitSourcesFor('text2video', request)).toEqual([])
  })
})

describe('the table', () => {
  it('every row has sources with a title and an https address, and the date they were read', () => {
    for (const row of UNIT_TABLE) {
      expect(row.sources.length).toBeGreaterThan(0)
      for (const s of row.sources) {
        expect(s.title.length).toBeGreaterThan(10)
        expect(s.url).toMatch(/^https:\/\//)
      }
      expect(row.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    }
  })

  it('no two rows price the same combination', () => {
    const keys = UNIT_TABLE.flatMap((row) =>
      row.kinds.map((kind) => `${row.model} ${kind} ${row.mode ?? '*'} ${row.sound}`),
    )
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('prices the service default with the defaults, and the request is cited by its row', () => {
    expect(priceBasis('text2video', t2v())).toEqual({
      model: DEFAULT_MODEL,
      mode: 'std',
      duration: '5',
      sound: 'off',
    })
    expect(unitSourcesFor('text2video', t2v())).toBe(unitRowFor('text2video', t2v())!.sources)
  })

  it('has a price for every model, kind and mode the catalogue lists, without sound, at 5 s', () => {
    const missing: string[] = []
    for (const model of MODEL_CATALOGUE) {
      for (const kind of VIDEO_KINDS.filter((k) => k !== 'video-extend') as VideoKind[]) {
        for (const mode of model.kinds[kind]?.modes ?? []) {
          const request = t2v({ model_name: model.name, mode })
          if (estimateUnits(kind, request).units === null)
            missing.push(`${model.name} ${kind} ${mode}`)
        }
      }
    }
    expect(missing).toEqual([])
  })
})
