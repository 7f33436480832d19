import { describe, expect, it } from 'vitest'
import {
  ASPECT_RATIOS,
  findModel,
  MODEL_CATALOGUE,
  capabilityWarnings,
  validateRequest,
  type Text2VideoRequest,
} from '../../src/shared/kling'

const ok = (input: unknown): Text2VideoRequest => {
  const r = validateRequest('text2video', input)
  if (!r.ok) throw new Error(`expected valid, got ${JSON.stringify(r.errors)}`)
  return r.value
}

const errorsOf = (input: unknown) => {
  const r = validateRequest('text2video', input)
  if (r.ok) throw new Error(`expected invalid: ${JSON.stringify(input)}`)
  return r.errors
}

describe('validateRequest: valid requests', () => {
  const valid: [string, Record<string, unknown>, Partial<Text2VideoRequest>][] = [
    ['the documented minimal body', { prompt: 'A happy scene of a vacation on the beach.' }, {}],
    ['500 characters exactly', { prompt: 'a'.repeat(500) }, {}],
    ['500 emoji count as 500 characters', { prompt: '🎬'.repeat(500) }, {}],
    ['negative prompt of 200', { prompt: 'x', negative_prompt: 'n'.repeat(200) }, {}],
    ['duration as a number', { prompt: 'x', duration: 10 }, { duration: '10' }],
    ['duration as a string', { prompt: 'x', duration: '5' }, { duration: '5' }],
    ['mode pro', { prompt: 'x', mode: 'pro' }, { mode: 'pro' }],
    ['cfg_scale 0', { prompt: 'x', cfg_scale: 0 }, { cfg_scale: 0 }],
    ['cfg_scale 1', { prompt: 'x', cfg_scale: 1 }, { cfg_scale: 1 }],
    [
      'an unknown model name',
      { prompt: 'x', model_name: 'kling-v9-future' },
      { model_name: 'kling-v9-future' },
    ],
    [
      'a camera preset',
      { prompt: 'x', camera_control: { type: 'down_back' } },
      { camera_control: { type: 'down_back' } },
    ],
    [
      'simple camera, one axis, padded with zeros',
      { prompt: 'x', camera_control: { type: 'simple', config: { zoom: -10 } } },
      {
        camera_control: {
          type: 'simple',
          config: { horizontal: 0, vertical: 0, pan: 0, tilt: 0, roll: 0, zoom: -10 },
        },
      },
    ],
    [
      'simple camera with explicit zeros',
      { prompt: 'x', camera_control: { type: 'simple', config: { pan: 0, tilt: 3.5, roll: 0 } } },
      {
        camera_control: {
          type: 'simple',
          config: { horizontal: 0, vertical: 0, pan: 0, tilt: 3.5, roll: 0, zoom: 0 },
        },
      },
    ],
    [
      'https callback',
      { prompt: 'x', callback_url: 'https://example.com/hook?a=1' },
      { callback_url: 'https://example.com/hook?a=1' },
    ],
    ['http callback on loopback', { prompt: 'x', callback_url: 'http://127.0.0.1:9/cb' }, {}],
    ['external id', { prompt: 'x', external_task_id: 'ks-123' }, { external_task_id: 'ks-123' }],
    [
      'undefined and null options are left out',
      { prompt: 'x', mode: undefined, duration: null },
      {},
    ],
    ['an empty negative prompt is left out', { prompt: 'x', negative_prompt: '' }, {}],
  ]
  it.each(valid)('%s', (_name, input, expected) => {
    const value = ok(input)
    expect(value).toMatchObject(expected)
    if (input.mode === undefined) expect('mode' in value).toBe(false)
    if (input.negative_prompt === '') expect('negative_prompt' in value).toBe(false)
  })

  it.each(ASPECT_RATIOS)('aspect ratio %s', (ratio) => {
    expect(ok({ prompt: 'x', aspect_ratio: ratio }).aspect_ratio).toBe(ratio)
  })
})

describe('validateRequest: invalid requests name the field and what is allowed', () => {
  const invalid: [string, unknown, string, RegExp][] = [
    ['not an object', 'prompt', 'request', /JSON object/],
    ['an array', [], 'request', /JSON object/],
    ['no prompt', {}, 'prompt', /required/],
    ['an empty prompt', { prompt: '' }, 'prompt', /empty/],
    ['a blank prompt', { prompt: '   \n' }, 'prompt', /empty/],
    ['501 characters', { prompt: 'a'.repeat(501) }, 'prompt', /1 to 500 characters \(it has 501\)/],
    ['a numeric prompt', { prompt: 42 }, 'prompt', /text/],
    [
      'negative prompt of 201',
      { prompt: 'x', negative_prompt: 'n'.repeat(201) },
      'negative_prompt',
      /at most 200/,
    ],
    [
      'aspect ratio 5:4',
      { prompt: 'x', aspect_ratio: '5:4' },
      'aspect_ratio',
      /16:9, 9:16, 1:1, 4:3, 3:4, 3:2, 2:3/,
    ],
    ['duration 7', { prompt: 'x', duration: '7' }, 'duration', /5, 10/],
    ['duration 5.0 as text', { prompt: 'x', duration: '5.0' }, 'duration', /5, 10/],
    ['mode turbo', { prompt: 'x', mode: 'turbo' }, 'mode', /std, pro/],
    ['cfg_scale 1.5', { prompt: 'x', cfg_scale: 1.5 }, 'cfg_scale', /0 to 1/],
    ['cfg_scale -0.1', { prompt: 'x', cfg_scale: -0.1 }, 'cfg_scale', /0 to 1/],
    ['cfg_scale as text', { prompt: 'x', cfg_scale: '0.5' }, 'cfg_scale', /number/],
    ['cfg_scale NaN', { prompt: 'x', cfg_scale: Number.NaN }, 'cfg_scale', /number/],
    ['model with spaces', { prompt: 'x', model_name: 'kling v1' }, 'model_name', /without spaces/],
    ['an empty model', { prompt: 'x', model_name: '' }, 'model_name', /model name/],
    ['camera as text', { prompt: 'x', camera_control: 'zoom' }, 'camera_control', /object/],
    [
      'unknown camera type',
      { prompt: 'x', camera_control: { type: 'orbit' } },
      'camera_control.type',
      /simple.*down_back/,
    ],
    [
      'preset with config',
      { prompt: 'x', camera_control: { type: 'forward_up', config: { zoom: 1 } } },
      'camera_control.config',
      /left out/,
    ],
    [
      'simple without config',
      { prompt: 'x', camera_control: { type: 'simple' } },
      'camera_control.config',
      /required/,
    ],
    [
      'simple with two axes',
      { prompt: 'x', camera_control: { type: 'simple', config: { zoom: 1, pan: 2 } } },
      'camera_control.config',
      /exactly one non-zero axis \(found 2\)/,
    ],
    [
      'simple with all zeros',
      { prompt: 'x', camera_control: { type: 'simple', config: { zoom: 0 } } },
      'camera_control.config',
      /found 0/,
    ],
    [
      'simple axis out of range',
      { prompt: 'x', camera_control: { type: 'simple', config: { roll: 11 } } },
      'camera_control.config.roll',
      /-10 to 10/,
    ],
    [
      'simple unknown axis',
      { prompt: 'x', camera_control: { type: 'simple', config: { dolly: 1 } } },
      'camera_control.config.dolly',
      /not a camera axis/,
    ],
    ['callback ftp', { prompt: 'x', callback_url: 'ftp://example.com/x' }, 'callback_url', /http/],
    ['callback not a url', { prompt: 'x', callback_url: 'example.com' }, 'callback_url', /http/],
    ['empty external id', { prompt: 'x', external_task_id: '' }, 'external_task_id', /non-empty/],
    [
      'external id with spaces',
      { prompt: 'x', external_task_id: 'a b' },
      'external_task_id',
      /without spaces/,
    ],
    [
      'a typo in a field name',
      { prompt: 'x', aspectratio: '1:1' },
      'aspectratio',
      /not a text-to-video field/,
    ],
  ]
  it.each(invalid)('%s', (_name, input, field, message) => {
    const errors = errorsOf(input)
    const hit = errors.find((e) => e.field === field)
    expect(hit, JSON.stringify(errors)).toBeDefined()
    expect(hit!.message).toMatch(message)
    // Every failure names its rule, so the window can say it in the person's language.
    expect(hit!.rule, JSON.stringify(hit)).toBeTruthy()
    // The message itself names the field, so it reads on its own.
    expect(hit!.message).toContain(field === 'request' ? 'request' : field.split('.').slice(-1)[0]!)
  })

  it('reports every bad field at once', () => {
    const fields = errorsOf({ prompt: '', mode: 'x', duration: 3, cfg_scale: 9 }).map(
      (e) => e.field,
    )
    expect(fields.sort()).toEqual(['cfg_scale', 'duration', 'mode', 'prompt'])
  })
})

describe('model catalogue', () => {
  it('lists every documented text-to-video model once', () => {
    const names = MODEL_CATALOGUE.map((m) => m.name)
    expect(new Set(names).size).toBe(names.length)
    for (const n of [
      'kling-v1',
      'kling-v1-6',
      'kling-v2-master',
      'kling-v2-1-master',
      'kling-v2-5-turbo',
      'kling-v2-6',
      'kling-v3',
    ]) {
      expect(names).toContain(n)
    }
  })

  it('knows kling-v1 is the default and unknown names are simply not catalogued', () => {
    expect(findModel(undefined)?.name).toBe('kling-v1')
    expect(findModel('kling-v9')).toBeUndefined()
  })

  it('warns, without rejecting, about options a model is documented to ignore', () => {
    expect(
      capabilityWarnings('text2video', { model_name: 'kling-v2-master', cfg_scale: 0.4 }).map(
        (w) => w.field,
      ),
    ).toEqual(['cfg_scale'])
    expect(
      capabilityWarnings('text2video', {
        model_name: 'kling-v1-6',
        camera_control: { type: 'down_back' },
      }).map((w) => w.field),
    ).toEqual(['camera_control'])
    expect(
      capabilityWarnings('text2video', { camera_control: { type: 'down_back' }, mode: 'pro' })[0]
        ?.message,
    ).toMatch(/std mode and 5 seconds/)
    expect(
      capabilityWarnings('text2video', {
        model_name: 'kling-v1',
        cfg_scale: 0.4,
        camera_control: { type: 'down_back' },
      }),
    ).toEqual([])
    expect(
      capabilityWarnings('text2video', { model_name: 'unknown-model', cfg_scale: 0.4 }),
    ).toEqual([])
  })
})
