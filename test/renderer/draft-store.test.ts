// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { StateStorage } from 'zustand/middleware'
import { DRAFT_KEY, readDraft } from '../../src/renderer/src/features/compose/draft-data'
import { translate, useLanguage } from '../../src/renderer/src/i18n'
import { useApp } from '../../src/renderer/src/stores/app'
import { createDraftStore, type DraftDeps } from '../../src/renderer/src/stores/draft'
import {
  captureFrame,
  FRAME_ERROR_CODES,
  FrameError,
} from '../../src/renderer/src/ui/capture-frame'
import { RECOMMENDED_MODEL } from '../../src/shared/kling'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'
import { job } from '../fixtures/job'

// The draft store on its own: what it keeps and reads back (a restart is a new store over the
// same storage), what load and takeFrame do to the draft, and where they take the person.

const REF = `input:${'ef'.repeat(32)}.png`
const THUMB = 'data:image/jpeg;base64,/9j/4AAQSkZJRg=='

function memory(): StateStorage & { data: Map<string, string> } {
  const data = new Map<string, string>()
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  }
}

function store(storage = memory(), over: Partial<DraftDeps> = {}) {
  const deps: DraftDeps = {
    capture: vi.fn(async () => ({
      png: new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
      thumb: THUMB,
      width: 1280,
      height: 720,
      at: 4.95,
    })),
    addInput: vi.fn(async ({ bytes }) => ({
      ref: REF,
      format: 'png' as const,
      width: 1280,
      height: 720,
      bytes: bytes.length,
    })),
    storage: () => storage,
    ...over,
  }
  return { useDraft: createDraftStore(deps), deps, storage }
}

beforeEach(() => {
  useApp.setState({
    settings: { ...DEFAULT_SETTINGS },
    info: null,
    view: 'library',
    notice: null,
  })
})

describe('draft store', () => {
  it('starts once from Settings, each kind on a model that makes it', () => {
    const { useDraft } = store()
    const d = useDraft.getState()
    d.start({ aspect_ratio: '1:1' })
    expect(useDraft.getState().form).toMatchObject({ aspect: '1:1', model: RECOMMENDED_MODEL })
    d.update({ prompt: 'kept' })
    useDraft.getState().start({ aspect_ratio: '16:9' })
    expect(useDraft.getState().form).toMatchObject({ prompt: 'kept', aspect: '1:1' })

    // Multi-image is documented on kling-v1-6 only; the choice per kind survives going back.
    useDraft.getState().setKind('multi-image2video')
    expect(useDraft.getState().form.model).toBe('kling-v1-6')
    useDraft.getState().update({ model: 'my-model' })
    useDraft.getState().setKind('text2video')
    expect(useDraft.getState().form.model).toBe(RECOMMENDED_MODEL)
    useDraft.getState().setKind('multi-image2video')
    expect(useDraft.getState().form.model).toBe('my-model')

    useDraft.getState().reset({ model_name: 'kling-v1' })
    // kling-v1 makes no multi-image: a new draft there starts on the model that does.
    expect(useDraft.getState().form).toMatchObject({ prompt: '', model: 'kling-v1-6' })
  })

  it('keeps the draft, and a new store over the same storage (a restart) reads it back', () => {
    const first = store()
    const d = first.useDraft.getState()
    d.start({})
    d.setKind('image2video')
    d.update({ prompt: 'a lantern', mode: 'pro', externalId: 'my-own-id' })
    d.setImage('image', { ref: REF, width: 1280, height: 720, thumb: THUMB })
    d.setTakes(4)
    const kept = JSON.parse(first.storage.data.get(DRAFT_KEY)!) as { state: unknown }
    expect(kept.state).toMatchObject({ kind: 'image2video', takes: 4 })

    const again = store(first.storage).useDraft.getState()
    expect(again.kind).toBe('image2video')
    expect(again.takes).toBe(4)
    expect(again.form).toMatchObject({ prompt: 'a lantern', mode: 'pro', externalId: 'my-own-id' })
    expect(again.images.image).toEqual({ ref: REF, width: 1280, height: 720, thumb: THUMB })
    expect(again.started).toBe(true)
  })

  it('keeps a restored draft on its external id, so main can tell a Generate that went out', () => {
    const first = store()
    first.useDraft.getState().start({})
    const id = first.useDraft.getState().form.externalId
    expect(id).toMatch(/^ks-/)
    expect(store(first.storage).useDraft.getState().form.externalId).toBe(id)
    // Only an id that went out is renewed; an emptied one gets one made for it.
    first.useDraft.getState().sent()
    expect(first.useDraft.getState().form.externalId).not.toBe(id)
    first.useDraft.getState().update({ externalId: ' ' })
    expect(store(first.storage).useDraft.getState().form.externalId).toMatch(/^ks-/)
  })

  it('reads back a hand-edited or broken draft field by field', () => {
    const d = readDraft({
      kind: 'video-extend',
      form: { prompt: 42, aspect: 'wide', mode: 'pro', duration: '7', camera: 'orbit' },
      images: {
        image: { ref: REF, thumb: 'javascript:alert(1)' },
        image_tail: { ref: '/etc/passwd' },
        'list.9': { ref: REF },
      },
      takes: 9,
      models: { text2video: 'kling-v3', 'multi-image2video': 5 },
    })
    expect(d.kind).toBe('text2video')
    expect(d.form).toMatchObject({
      prompt: '',
      aspect: '',
      mode: 'pro',
      duration: '7',
      camera: 'none',
    })
    expect(d.images).toEqual({ image: { ref: REF } })
    expect(d.takes).toBe(1)
    expect(d.models).toEqual({ text2video: 'kling-v3' })
    const s = memory()
    s.setItem(DRAFT_KEY, '{not json')
    expect(store(s).useDraft.getState().kind).toBe('text2video')
  })

  it('loads a request to edit again: its kind, options and images, and shows Create', () => {
    const { useDraft } = store()
    useDraft.getState().start({})
    const before = useDraft.getState().form.externalId
    useDraft.getState().load('image2video', {
      image: REF,
      prompt: 'again',
      mode: 'pro',
      model_name: 'kling-v1-6',
      external_task_id: 'ks-old',
    })
    const d = useDraft.getState()
    expect(d.kind).toBe('image2video')
    expect(d.form).toMatchObject({ prompt: 'again', mode: 'pro', model: 'kling-v1-6' })
    expect(d.form.externalId).not.toBe('ks-old')
    expect(d.form.externalId).not.toBe(before)
    expect(d.images).toEqual({ image: { ref: REF } })
    expect(useApp.getState().view).toBe('compose')

    // An extension's words come into a text-to-video draft.
    useDraft.getState().load('video-extend', { task_id: '1', video_id: '2', prompt: 'more' })
    expect(useDraft.getState()).toMatchObject({ kind: 'text2video', form: { prompt: 'more' } })
  })

  it('takes the last frame of a saved video into a slot: captured, kept by main, then shown', async () => {
    useApp.setState({ info: { mediaBase: 'media://video/' } as never })
    const { useDraft, deps } = store()
    await useDraft.getState().takeFrame(job({ id: 'job-7', state: 'done' }), 'last', 'image_tail')
    expect(deps.capture).toHaveBeenCalledWith('media://video/job-7', 'last')
    expect(deps.addInput).toHaveBeenCalledWith({
      bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
      source: 'frame',
      jobId: 'job-7',
      at: 4.95,
    })
    const d = useDraft.getState()
    expect(d.kind).toBe('image2video')
    expect(d.images.image_tail).toEqual({
      ref: REF,
      width: 1280,
      height: 720,
      format: 'png',
      bytes: 4,
      thumb: THUMB,
    })
    expect(useApp.getState().view).toBe('compose')
  })

  it('keeps the model chosen when Use last frame switches to image-to-video and it makes that too', async () => {
    useApp.setState({ info: { mediaBase: 'media://video/' } as never })
    const { useDraft } = store()
    useDraft.getState().start({})
    // Image to video was once used on another model: the person's choice now still wins.
    useDraft.getState().setKind('image2video')
    useDraft.getState().update({ model: 'kling-v3' })
    useDraft.getState().setKind('text2video')
    useDraft.getState().update({ model: 'kling-v1-6' })
    await useDraft.getState().takeFrame(job({ id: 'job-7', state: 'done' }), 'last', 'image')
    expect(useDraft.getState()).toMatchObject({
      kind: 'image2video',
      form: { model: 'kling-v1-6' },
      displaced: null,
    })
  })

  it('switches the model only for a kind it does not make, and brings it back after', () => {
    const { useDraft } = store()
    useDraft.getState().start({})
    useDraft.getState().update({ model: 'kling-v2-master' })
    useDraft.getState().setKind('multi-image2video')
    expect(useDraft.getState().form.model).toBe('kling-v1-6')
    expect(useDraft.getState().displaced).toEqual({ from: 'kling-v2-master', to: 'kling-v1-6' })
    // Back to kinds it makes: the model the person chose, not the one the switch put there.
    useDraft.getState().setKind('image2video')
    expect(useDraft.getState().form.model).toBe('kling-v2-master')
    expect(useDraft.getState().displaced).toBeNull()
    // Picked by the person on multi-image, a model stays theirs where it is made.
    useDraft.getState().setKind('multi-image2video')
    useDraft.getState().update({ model: 'kling-v1-6' })
    useDraft.getState().setKind('text2video')
    expect(useDraft.getState().form.model).toBe('kling-v1-6')
  })

  it('says why a frame could not be taken, and leaves the draft and the view as they were', async () => {
    const { useDraft } = store(memory(), {
      capture: async () => {
        throw new FrameError('load_timeout', 'the video took too long to load')
      },
    })
    await useDraft.getState().takeFrame(job({ id: 'j9' }), 2, 'image')
    expect(useApp.getState().notice).toEqual({
      kind: 'error',
      text: 'The frame could not be taken: the video took too long to load.',
    })
    expect(useDraft.getState().kind).toBe('text2video')
    expect(useDraft.getState().images).toEqual({})
    expect(useApp.getState().view).toBe('library')
  })

  it("says the window's own failures to take a frame in Indonesian, with the browser's words", async () => {
    // The real capture, on a document whose <video> the test can make fail.
    const videos: HTMLVideoElement[] = []
    const doc = {
      createElement: (tag: string) => {
        const element = document.createElement(tag)
        if (element instanceof HTMLVideoElement) videos.push(element)
        return element
      },
    } as unknown as Document
    const { useDraft } = store(memory(), { capture: (url, at) => captureFrame(url, at, doc) })
    useLanguage.getState().setLanguage('id')
    try {
      const taking = useDraft.getState().takeFrame(job({ id: 'j9' }), 'last', 'image')
      await vi.waitFor(() => expect(videos).toHaveLength(1))
      Object.defineProperty(videos[0]!, 'error', { value: { message: 'DEMUXER_ERROR' } })
      videos[0]!.dispatchEvent(new Event('error'))
      await taking
      expect(useApp.getState().notice).toEqual({
        kind: 'error',
        text: 'Bingkai tidak dapat diambil: video tidak dapat dibaca. (DEMUXER_ERROR)',
      })
    } finally {
      useLanguage.getState().setLanguage('en')
    }
    // Every code the window can give has its sentence in both languages.
    for (const code of FRAME_ERROR_CODES)
      for (const language of ['en', 'id'] as const)
        expect(translate(language, `create.frameError.${code}`)).not.toMatch(/^create\./)
  })
})
