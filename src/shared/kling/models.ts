import type { VideoKind } from './endpoints'
import type { Mode } from './fields'

// Which model takes what, as data with a source for each entry. Validation uses it to warn before
// a combination a table says is refused; a model not listed here is allowed (the list changes, and
// the gateway has the last word). Durations are whole seconds as strings.

export interface Source {
  title: string
  url: string
}

export const SOURCES = {
  klingMap: {
    title: 'Kling API docs: model capability map',
    url: 'https://app.klingai.com/global/dev/document-api/apiReference/model/skillsMap',
  },
  klingT2V: {
    title: 'Kling API docs: text to video',
    url: 'https://app.klingai.com/global/dev/document-api/apiReference/model/textToVideo',
  },
  klingI2V: {
    title: 'Kling API docs: image to video',
    url: 'https://app.klingai.com/global/dev/document-api/apiReference/model/imageToVideo',
  },
  cometKling: {
    title: 'CometAPI docs: Kling video (text2video, image2video, multi-image2video, video-extend)',
    url: 'https://apidoc.cometapi.com/api/video/kling',
  },
  klingDemoTable: {
    title:
      'betasecond/KlingDemo APIDoc.md: image-to-video capability table by model, mode, duration',
    url: 'https://github.com/betasecond/KlingDemo/blob/main/APIDoc.md',
  },
  comfyKling26: {
    title: 'ComfyUI embedded docs: KlingImageToVideoWithAudio (kling-v2-6, sound)',
    url: 'https://github.com/Comfy-Org/embedded-docs/tree/main/comfyui_embedded_docs/docs/KlingImageToVideoWithAudio',
  },
} as const satisfies Record<string, Source>

/** What one model does on one endpoint. A mode list means "only in these modes". */
export interface KindCapability {
  modes: readonly Mode[]
  durations: readonly string[]
  imageTail?: readonly Mode[]
  cameraControl?: { modes: readonly Mode[]; durations: readonly string[] }
  masks?: readonly Mode[]
  sound?: readonly Mode[]
}

export interface ModelInfo {
  name: string
  label: string
  /** Whether cfg_scale has an effect (Kling: not on v2.x and later). */
  cfgScale: boolean
  kinds: Partial<Record<VideoKind, KindCapability>>
  sources: readonly Source[]
  note?: string
}

/** The model the service uses when a request names none (Kling's docs; CometAPI does not say). */
export const DEFAULT_MODEL = 'kling-v1'

/**
 * What a new draft starts on when Settings name no model: the newest model with two sources in the
 * table below that takes both text and an image (std and pro, 5 and 10 s, a last frame and sound
 * in pro). kling-v3 is newer but rests on one source; the oldest, the service default, is never
 * picked silently. A kind this model does not make starts on the newest model that makes it.
 */
export const RECOMMENDED_MODEL = 'kling-v2-6'

const BOTH: readonly Mode[] = ['std', 'pro']
const PRO: readonly Mode[] = ['pro']
const FIVE_TEN = ['5', '10'] as const
const basic = (extra: Partial<KindCapability> = {}): KindCapability => ({
  modes: BOTH,
  durations: FIVE_TEN,
  ...extra,
})

export const MODEL_CATALOGUE: readonly ModelInfo[] = [
  {
    name: 'kling-v1',
    label: 'Kling 1.0',
    cfgScale: true,
    kinds: {
      text2video: basic({ cameraControl: { modes: ['std'], durations: ['5'] } }),
      image2video: basic({ imageTail: BOTH, masks: BOTH }),
      'video-extend': basic(),
    },
    sources: [SOURCES.klingMap, SOURCES.klingT2V, SOURCES.klingDemoTable, SOURCES.cometKling],
    note: 'The service default. Camera control for text-to-video only in std mode, 5 s.',
  },
  {
    name: 'kling-v1-6',
    label: 'Kling 1.6',
    cfgScale: true,
    kinds: {
      text2video: basic(),
      image2video: basic({ imageTail: PRO }),
      'multi-image2video': basic(),
      'video-extend': basic(),
    },
    sources: [SOURCES.klingMap, SOURCES.klingDemoTable, SOURCES.cometKling],
  },
  {
    name: 'kling-v2-master',
    label: 'Kling 2.0 Master',
    cfgScale: false,
    kinds: { text2video: basic(), image2video: basic() },
    sources: [SOURCES.klingMap],
    note: 'No last frame.',
  },
  {
    name: 'kling-v2-1-master',
    label: 'Kling 2.1 Master',
    cfgScale: false,
    kinds: { text2video: basic(), image2video: basic() },
    sources: [SOURCES.klingMap],
    note: 'No last frame.',
  },
  {
    name: 'kling-v2-5-turbo',
    label: 'Kling 2.5 Turbo',
    cfgScale: false,
    kinds: { text2video: basic(), image2video: basic({ imageTail: PRO }) },
    sources: [SOURCES.klingMap],
  },
  {
    name: 'kling-v2-6',
    label: 'Kling 2.6',
    cfgScale: false,
    kinds: {
      text2video: basic({ sound: PRO }),
      image2video: basic({ imageTail: PRO, sound: PRO }),
    },
    sources: [SOURCES.klingMap, SOURCES.comfyKling26],
    note: 'Sound in pro mode.',
  },
  {
    name: 'kling-v3',
    label: 'Kling 3',
    cfgScale: false,
    kinds: {
      text2video: { modes: BOTH, durations: range(3, 15), sound: BOTH },
      image2video: { modes: BOTH, durations: range(3, 15), sound: BOTH },
    },
    sources: [SOURCES.klingMap],
    note: 'Durations from 3 to 15 s, with sound.',
  },
]

function range(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => String(from + i))
}

export function findModel(name: string | undefined): ModelInfo | undefined {
  return MODEL_CATALOGUE.find((m) => m.name === (name ?? DEFAULT_MODEL))
}

/** The models documented for an endpoint, for pickers. */
export function modelsFor(kind: VideoKind): ModelInfo[] {
  return MODEL_CATALOGUE.filter((m) => m.kinds[kind] !== undefined)
}
