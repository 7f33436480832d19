import { describe, expect, it } from 'vitest'
import {
  capabilityWarnings,
  createPathOf,
  ENDPOINTS,
  imagesOf,
  mapImages,
  MODEL_CATALOGUE,
  queryPathOf,
  validateRequest,
  VIDEO_KINDS,
  type VideoKind,
} from '../../src/shared/kling'

// The registry: each endpoint's body as data, the documented exclusions and image rules, and the
// model table's warnings.

const IMG = `input:${'a'.repeat(64)}.png`
const IMG2 = `input:${'b'.repeat(64)}.jpg`
const URL_IMG = 'https://example.com/first.png'
const B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB'

const fields = (kind: VideoKind, input: unknown, form?: 'stored' | 'wire') => {
  const r = validateRequest(kind, input, { form })
  return r.ok ? [] : r.errors.map((e) => `${e.field}:${e.rule}`)
}

describe('the registry', () => {
  it('names every endpoint, its create and query paths', () => {
    expect(VIDEO_KINDS).toEqual(['text2video', 'image2video', 'multi-image2video', 'video-extend'])
    expect(createPathOf('image2video')).toBe('/kling/v1/videos/image2video')
    expect(queryPathOf('video-extend', '8781/x')).toBe('/kling/v1/videos/video-extend/8781%2Fx')
    for (const kind of VIDEO_KINDS) expect(ENDPOINTS[kind].kind).toBe(kind)
  })

  it('finds and replaces images wherever an endpoint keeps them', async () => {
    const body = { image_list: [{ image: IMG }, { image: IMG2 }], prompt: 'p' }
    expect(imagesOf('multi-image2video', body).map((i) => i.at)).toEqual([
      'image_list[0].image',
      'image_list[1].image',
    ])
    const wire = await mapImages('multi-image2video', body, async (v) => `<${v.slice(-3)}>`)
    expect(wire.image_list).toEqual([{ image: '<png>' }, { image: '<jpg>' }])
    expect(body.image_list[0]!.image).toBe(IMG)
  })
})

describe('image2video', () => {
  it('takes a first frame alone, by input name or URL; the prompt is optional', () => {
    expect(fields('image2video', { image: IMG })).toEqual([])
    expect(fields('image2video', { image: URL_IMG, prompt: 'waves' })).toEqual([])
    expect(fields('image2video', { prompt: 'waves' })).toEqual(['image:required'])
  })

  it('keeps megabytes of base64 out of what the app stores, and input names out of the wire', () => {
    expect(fields('image2video', { image: B64 })).toEqual(['image:image_value'])
    expect(fields('image2video', { image: B64 }, 'wire')).toEqual([])
    expect(fields('image2video', { image: IMG }, 'wire')).toEqual(['image:image_value'])
    expect(fields('image2video', { image: `data:image/png;base64,${B64}` }, 'wire')).toEqual([
      'image:image_data_prefix',
    ])
  })

  it.each([
    [
      'a last frame and camera control',
      { image_tail: IMG2, camera_control: { type: 'down_back' } },
    ],
    ['a last frame and a static mask', { image_tail: IMG2, static_mask: IMG2 }],
    ['masks and camera control', { static_mask: IMG2, camera_control: { type: 'forward_up' } }],
  ])('refuses %s together (documented exclusion)', (_n, extra) => {
    const errs = fields('image2video', { image: IMG, ...extra })
    expect(errs).toHaveLength(1)
    expect(errs[0]).toMatch(/:exclusive$/)
  })

  it('checks dynamic masks: up to six, each a mask with a 2-77 point trajectory', () => {
    const mask = {
      mask: IMG2,
      trajectories: [
        { x: 1, y: 2 },
        { x: 3, y: 4 },
      ],
    }
    expect(fields('image2video', { image: IMG, static_mask: IMG2, dynamic_masks: [mask] })).toEqual(
      [],
    )
    expect(fields('image2video', { image: IMG, dynamic_masks: Array(7).fill(mask) })).toEqual([
      'dynamic_masks:list_length',
    ])
    expect(
      fields('image2video', {
        image: IMG,
        dynamic_masks: [{ mask: IMG2, trajectories: [{ x: 1, y: 2 }] }],
      }),
    ).toEqual(['dynamic_masks[0].trajectories:trajectory'])
  })

  it('has no aspect_ratio of its own: the clip follows its image', () => {
    expect(fields('image2video', { image: IMG, aspect_ratio: '16:9' })).toEqual([
      'aspect_ratio:unknown_field',
    ])
  })
})

describe('multi-image2video', () => {
  it('takes 2 to 4 images and a prompt', () => {
    const list = (n: number) => Array.from({ length: n }, () => ({ image: IMG }))
    expect(fields('multi-image2video', { image_list: list(2), prompt: 'p' })).toEqual([])
    expect(
      fields('multi-image2video', { image_list: list(4), prompt: 'p', aspect_ratio: '9:16' }),
    ).toEqual([])
    expect(fields('multi-image2video', { image_list: list(1), prompt: 'p' })).toEqual([
      'image_list:image_count',
    ])
    expect(fields('multi-image2video', { image_list: list(5), prompt: 'p' })).toEqual([
      'image_list:image_count',
    ])
    expect(
      fields('multi-image2video', { image_list: [{ image: IMG }, { img: IMG }], prompt: 'p' }),
    ).toEqual(['image_list[1].image:image_item'])
    expect(fields('multi-image2video', { image_list: list(2) })).toEqual(['prompt:required'])
  })
})

describe('video-extend', () => {
  it('names its parent by task id and video id; the prompt is optional', () => {
    expect(
      fields('video-extend', { task_id: '878106242831892487', video_id: '878106243104522311' }),
    ).toEqual([])
    expect(fields('video-extend', { task_id: '1' })).toEqual(['video_id:required'])
    expect(fields('video-extend', { task_id: '../x', video_id: '1' })).toEqual([
      'task_id:service_id',
    ])
    expect(fields('video-extend', { task_id: '1', video_id: '2', model_name: 'kling-v1' })).toEqual(
      ['model_name:unknown_field'],
    )
  })
})

describe('every endpoint', () => {
  it.each(['.', '..', 'a/b', 'a?b', 'tab\there', 'x#y', '100%'])(
    'refuses the external id %j: it must be one plain path segment',
    (id) => {
      expect(fields('text2video', { prompt: 'p', external_task_id: id })).toEqual([
        'external_task_id:external_id',
      ])
    },
  )

  it('takes durations other than 5 and 10 only where the table lists them, or for an unknown model', () => {
    expect(fields('text2video', { prompt: 'p', duration: '7' })).toEqual(['duration:one_of'])
    expect(fields('text2video', { prompt: 'p', duration: 7, model_name: 'kling-v3' })).toEqual([])
    expect(fields('image2video', { image: IMG, duration: '12', model_name: 'kling-v3' })).toEqual(
      [],
    )
    expect(
      fields('text2video', { prompt: 'p', duration: '7', model_name: 'kling-v9-future' }),
    ).toEqual([])
    expect(fields('text2video', { prompt: 'p', duration: '16', model_name: 'kling-v3' })).toEqual([
      'duration:duration',
    ])
  })
})

describe('the model table', () => {
  it('gives every entry a source', () => {
    for (const m of MODEL_CATALOGUE) {
      expect(m.sources.length).toBeGreaterThan(0)
      for (const s of m.sources) expect(s.url).toMatch(/^https:\/\//)
    }
  })

  it('warns before a combination it says is refused, and allows a model it does not know', () => {
    const rules = (kind: VideoKind, r: object) => capabilityWarnings(kind, r).map((w) => w.rule)
    expect(rules('image2video', { model_name: 'kling-v1-6', image_tail: IMG2 })).toEqual([
      'image_tail_mode',
    ])
    expect(
      rules('image2video', { model_name: 'kling-v1-6', image_tail: IMG2, mode: 'pro' }),
    ).toEqual([])
    expect(rules('image2video', { model_name: 'kling-v2-master', image_tail: IMG2 })).toEqual([
      'image_tail_unsupported',
    ])
    expect(rules('text2video', { model_name: 'kling-v2-6', sound: 'on' })).toEqual(['sound_mode'])
    expect(rules('multi-image2video', { model_name: 'kling-v1' })).toEqual(['model_kind'])
    expect(rules('image2video', { model_name: 'kling-v9', image_tail: IMG2 })).toEqual([])
  })
})
