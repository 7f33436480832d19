import { create } from 'zustand'
import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware'
import type { Job } from '../../../shared/jobs'
import type { AnyRequest, VideoKind } from '../../../shared/kling'
import type { DefaultOptions } from '../../../shared/settings'
import {
  DRAFT_KEY,
  DRAFT_VERSION,
  freshDraft,
  keptPart,
  readDraft,
  type DraftData,
} from '../features/compose/draft-data'
import { emptyForm, fromRequest, newExternalId, type ComposeForm } from '../features/compose/form'
import { addInput, type AddInput } from '../features/compose/image-input'
import { modelOnSwitch, startingModel, type Displaced } from '../features/compose/model-choice'
import {
  COMPOSE_KINDS,
  imagesFromRequest,
  type ComposeKind,
  type DraftImage,
  type FrameSlot,
  type SlotKey,
} from '../features/compose/slots'
import { translate, useLanguage } from '../i18n'
import { captureFrame, FrameError, type CapturedFrame } from '../ui/capture-frame'
import { noticeFrom } from '../ui/errors'
import { useApp, type Notice } from './app'

// The composer's draft: what the person is writing (kind, prompt, options, images, takes), kept
// across views and restarts in localStorage. Other views hand it work: a request to edit again
// (load) or a frame of a saved video as a first or last frame (takeFrame).

export type { ComposeKind, DraftImage, FrameSlot, SlotKey }

export interface DraftState extends DraftData {
  /**
   * Counts the times the draft's kind changed or the whole draft was replaced (start, reset, load):
   * an image check started before then lands nowhere. Not kept across restarts.
   */
  epoch: number
  /**
   * The model the last kind switch moved away from (the new kind was not one it makes), until the
   * person picks a model: a switch to a kind it makes brings it back. Not kept across restarts.
   */
  displaced: Displaced | null
  update(patch: Partial<ComposeForm>): void
  setKind(kind: ComposeKind): void
  setImage(slot: SlotKey, image: DraftImage | null): void
  setTakes(takes: number): void
  /** Takes Settings' defaults once, for a draft never started. */
  start(defaults: DefaultOptions): void
  /** Throws the draft away: a new one from Settings' defaults. */
  reset(defaults: DefaultOptions): void
  /** After a Generate went through (or main says it did before): the next one gets a new id. */
  sent(): void
  /** Loads a request into the composer (Edit and generate, Edit and retry) and shows Create. */
  load(kind: VideoKind, request: Partial<AnyRequest>): void
  /**
   * Takes a frame of a saved video (at seconds, or its last frame) into an image slot, switches
   * the composer to image-to-video and shows Create. Never throws: a failure becomes a notice.
   */
  takeFrame(job: Job, at: number | 'last', slot: FrameSlot): Promise<void>
}

export interface DraftDeps {
  capture(url: string, at: number | 'last'): Promise<CapturedFrame>
  addInput: AddInput
  storage(): StateStorage
}

const settingsModel = () => useApp.getState().settings?.defaults.model_name

/** A frame not taken, in the person's language (the browser's own words, if any, after it). */
function frameNotice(error: unknown): Notice {
  if (!(error instanceof FrameError)) return noticeFrom(error)
  const text = translate(useLanguage.getState().language, `create.frameError.${error.code}`)
  return { kind: 'error', text: error.detail ? `${text} (${error.detail})` : text }
}

/** A draft from Settings' defaults, on the kind given, each kind on its starting model. */
function newDraft(kind: ComposeKind, defaults: DefaultOptions, takes: number): DraftData {
  const form = emptyForm(defaults)
  form.model = startingModel(kind, defaults.model_name)
  return { kind, form, images: {}, takes, models: {}, started: true }
}

export function createDraftStore(deps: DraftDeps) {
  return create<DraftState>()(
    persist(
      (set, get) => ({
        ...freshDraft(),
        epoch: 0,
        displaced: null,
        update: (patch) =>
          set((s) => ({
            form: { ...s.form, ...patch },
            // A model picked by the person is their choice from now on.
            ...('model' in patch ? { displaced: null } : {}),
          })),
        // The chosen model stays when it makes the new kind (Use last frame keeps Kling 1.6).
        setKind: (kind) =>
          set((s) => {
            if (kind === s.kind) return {}
            const models = { ...s.models, [s.kind]: s.form.model }
            const { model, displaced } = modelOnSwitch({
              current: s.form.model,
              displaced: s.displaced,
              kind,
              remembered: models[kind],
              fromSettings: settingsModel(),
            })
            return { kind, models, form: { ...s.form, model }, displaced, epoch: s.epoch + 1 }
          }),
        setImage: (slot, image) =>
          set((s) => {
            const images = { ...s.images }
            if (image) images[slot] = image
            else delete images[slot]
            return { images }
          }),
        setTakes: (takes) => set({ takes }),
        start: (defaults) => {
          const s = get()
          if (!s.started)
            set({ ...newDraft(s.kind, defaults, s.takes), displaced: null, epoch: s.epoch + 1 })
        },
        reset: (defaults) =>
          set({ ...newDraft(get().kind, defaults, 1), displaced: null, epoch: get().epoch + 1 }),
        sent: () => set((s) => ({ form: { ...s.form, externalId: newExternalId() } })),
        load: (kind, request) => {
          // An extension is made from the player: its words come into a text-to-video draft.
          const target: ComposeKind = COMPOSE_KINDS.includes(kind as ComposeKind)
            ? (kind as ComposeKind)
            : 'text2video'
          const form = fromRequest(request, { ...get().form, externalId: newExternalId() })
          const models = { ...get().models, [target]: form.model }
          set({
            kind: target,
            form,
            images: imagesFromRequest(kind, request),
            models,
            started: true,
            displaced: null,
            epoch: get().epoch + 1,
          })
          useApp.getState().go('compose')
        },
        takeFrame: async (job, at, slot) => {
          try {
            const base = useApp.getState().info?.mediaBase ?? 'media://video/'
            const frame = await deps.capture(`${base}${encodeURIComponent(job.id)}`, at)
            const info = await deps.addInput({
              bytes: frame.png,
              source: 'frame',
              jobId: job.id,
              at: frame.at,
            })
            const { ref, width, height, format, bytes } = info
            get().setKind('image2video')
            get().setImage(slot, { ref, width, height, format, bytes, thumb: frame.thumb })
            set({ started: true })
            useApp.getState().go('compose')
          } catch (error) {
            useApp.getState().notify(frameNotice(error))
          }
        },
      }),
      {
        name: DRAFT_KEY,
        version: DRAFT_VERSION,
        storage: createJSONStorage(deps.storage),
        partialize: (s) => keptPart(s),
        // Whatever was kept is checked field by field: a bad field takes its fresh value.
        merge: (kept, current) => ({ ...current, ...readDraft(kept) }),
      },
    ),
  )
}

export const useDraft = createDraftStore({
  capture: (url, at) => captureFrame(url, at),
  addInput,
  storage: () => localStorage,
})
