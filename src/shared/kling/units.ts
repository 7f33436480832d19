import type { VideoKind } from './endpoints'
import type { Mode } from './fields'
import { DEFAULT_MODEL } from './models'

// What a request will cost before it is sent, in Kling "units": the credits of Kling's prepaid
// video resource packs (a standard price of $0.14 a unit; a failed task costs none). A finished
// task reports the units it cost in `final_unit_deduction`, and THAT is the truth: this table is
// an estimate from published price lists, kept as data with its sources and the date they were
// read. CometAPI bills its own customers in dollars; the units here are Kling's. Where no source
// states a price the answer is null ("unknown"), never a guess.
//
// How a row is found: the model (DEFAULT_MODEL when the request names none), the mode (std when
// absent), the duration (5 s when absent) and sound (off when absent). Kling prices a clip of
// 5 or 10 s on the older models, and every second on kling-v3 (3 to 15 s). An extension costs
// what the listed model and mode of the video it extends say, for each extension.

export interface UnitEstimate {
  /** Units for all takes together; null: the table has no answer for this request. */
  units: number | null
  /** Units for one take; null when unknown. */
  perTake: number | null
}

export interface UnitSource {
  title: string
  url: string
}

export interface UnitRow {
  model: string
  kinds: readonly VideoKind[]
  /** null: the price is the same in both modes. */
  mode: Mode | null
  /** Which `sound` the row prices: on, or off (which is also what a request without it gets). */
  sound: 'on' | 'off'
  /** Units for one clip by its duration in seconds, or for every second of it. */
  price:
    { perClip: Readonly<Record<string, number>> } | { perSecond: number; seconds: [number, number] }
  sources: readonly UnitSource[]
  /** When the sources were read (YYYY-MM-DD). */
  checked: string
}

export const UNIT_SOURCES = {
  klingPacks: {
    title:
      'Kling API docs (mirror): Prepaid resource packs: $0.14 a video credit; credits vary by model and mode; failed tasks cost none',
    url: 'https://docs.klingai2.org/prepaid-resource-packs',
  },
  unitsTable: {
    title:
      'inference-sh/grid api/klingai/pricing.md: "Kling AI Official Pricing", units per clip (v1 to v2.6) and per second (v3)',
    url: 'https://github.com/inference-sh/grid/blob/ef28809a61cc96757f016fc2c95fb7ffadd90b83/api/klingai/pricing.md',
  },
  comfyPrices: {
    title:
      'ComfyUI frontend useNodePricing.ts: Kling node prices in US dollars (the same table at $0.14 a unit)',
    url: 'https://github.com/Comfy-Org/ComfyUI_frontend/blob/01b3aeae68093ce6e63d31b362aeea076cb0a90d/src/composables/node/useNodePricing.ts',
  },
} as const satisfies Record<string, UnitSource>

const CHECKED = '2026-11-30'
const TABLE = [UNIT_SOURCES.unitsTable, UNIT_SOURCES.klingPacks] as const
const BOTH_TABLES = [UNIT_SOURCES.unitsTable, UNIT_SOURCES.comfyPrices, UNIT_SOURCES.klingPacks]
const CLIP: readonly VideoKind[] = ['text2video', 'image2video']

/** A row per mode for a model priced by the clip. */
function clips(
  model: string,
  prices: Partial<Record<Mode | 'any', [number, number]>>,
  options: {
    kinds?: readonly VideoKind[]
    sound?: 'on' | 'off'
    sources?: readonly UnitSource[]
  } = {},
): UnitRow[] {
  return Object.entries(prices).map(([mode, [five, ten]]) => ({
    model,
    kinds: options.kinds ?? CLIP,
    mode: mode === 'any' ? null : (mode as Mode),
    sound: options.sound ?? 'off',
    price: { perClip: { '5': five, '10': ten } },
    sources: options.sources ?? TABLE,
    checked: CHECKED,
  }))
}

/** One row for an extension of a video made by `model` in `mode`, whatever its length. */
function extension(model: string, mode: Mode, units: number): UnitRow {
  return {
    model,
    kinds: ['video-extend'],
    mode,
    sound: 'off',
    price: { perClip: { any: units } },
    sources: TABLE,
    checked: CHECKED,
  }
}

function perSecond(mode: Mode, sound: 'on' | 'off', units: number): UnitRow {
  return {
    model: 'kling-v3',
    kinds: CLIP,
    mode,
    sound,
    price: { perSecond: units, seconds: [3, 15] },
    sources: TABLE,
    checked: CHECKED,
  }
}

/** The published prices. A combination with no row here is "unknown". */
export const UNIT_TABLE: readonly UnitRow[] = [
  ...clips('kling-v1', { std: [1, 2], pro: [3.5, 7] }, { sources: BOTH_TABLES }),
  ...clips('kling-v1-5', { std: [2, 4], pro: [3.5, 7] }, { sources: BOTH_TABLES }),
  ...clips('kling-v1-6', { std: [2, 4], pro: [3.5, 7] }, { sources: BOTH_TABLES }),
  ...clips('kling-v1-6', { std: [2, 4], pro: [3.5, 7] }, { kinds: ['multi-image2video'] }),
  ...clips('kling-v2-master', { any: [10, 20] }, { sources: BOTH_TABLES }),
  ...clips('kling-v2-1', { std: [2, 4], pro: [3.5, 7] }, { sources: BOTH_TABLES }),
  ...clips('kling-v2-1-master', { any: [10, 20] }, { sources: BOTH_TABLES }),
  ...clips('kling-v2-5-turbo', { std: [1.5, 3], pro: [2.5, 5] }),
  ...clips('kling-v2-6', { std: [1.5, 3], pro: [2.5, 5] }),
  // Sound without voice control; the table has no price for sound in std mode.
  ...clips('kling-v2-6', { pro: [5, 10] }, { sound: 'on' }),
  perSecond('std', 'off', 0.6),
  perSecond('std', 'on', 0.9),
  perSecond('pro', 'off', 0.8),
  perSecond('pro', 'on', 1.2),
  extension('kling-v1', 'std', 1),
  extension('kling-v1', 'pro', 3.5),
  extension('kling-v1-5', 'std', 2),
  extension('kling-v1-5', 'pro', 3.5),
  extension('kling-v1-6', 'std', 2),
  extension('kling-v1-6', 'pro', 3.5),
]

/** What decides the price of a request, with the service's defaults filled in. */
export interface PriceBasis {
  model: string
  mode: Mode
  duration: string
  sound: 'on' | 'off'
}

/**
 * The model, mode, duration and sound a request is priced by. For video-extend they are those of
 * the video being extended, given as `parent: { model_name, mode }` on the request; without
 * `parent` there is no basis (null), since the extension's own body does not say.
 */
export function priceBasis(kind: VideoKind, request: object): PriceBasis | null {
  const r = request as Record<string, unknown>
  const from = kind === 'video-extend' ? (r.parent as Record<string, unknown> | undefined) : r
  if (!from || typeof from !== 'object') return null
  const text = (v: unknown): string | undefined =>
    typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined
  return {
    model: text(from.model_name) ?? DEFAULT_MODEL,
    mode: text(from.mode) === 'pro' ? 'pro' : 'std',
    duration: kind === 'video-extend' ? 'any' : (text(r.duration) ?? '5'),
    sound: text(r.sound) === 'on' ? 'on' : 'off',
  }
}

/** The table's row for a request, or undefined when none prices it. */
export function unitRowFor(kind: VideoKind, request: object): UnitRow | undefined {
  const basis = priceBasis(kind, request)
  if (!basis) return undefined
  return UNIT_TABLE.find(
    (row) =>
      row.model === basis.model &&
      row.kinds.includes(kind) &&
      (row.mode === null || row.mode === basis.mode) &&
      row.sound === basis.sound &&
      unitsOf(row, basis.duration) !== null,
  )
}

/** The sources of the row that prices a request (empty when it is unknown), for the UI to cite. */
export function unitSourcesFor(kind: VideoKind, request: object): readonly UnitSource[] {
  return unitRowFor(kind, request)?.sources ?? []
}

function unitsOf(row: UnitRow, duration: string): number | null {
  if ('perClip' in row.price) return row.price.perClip[duration] ?? null
  const seconds = Number(duration)
  const [from, to] = row.price.seconds
  if (!Number.isInteger(seconds) || seconds < from || seconds > to) return null
  return round(row.price.perSecond * seconds)
}

/** Units to two decimals, so 0.6 × 7 is 4.2 and not 4.199999. */
const round = (n: number): number => Math.round(n * 100) / 100

export function estimateUnits(kind: VideoKind, request: object, takes = 1): UnitEstimate {
  const row = unitRowFor(kind, request)
  const basis = priceBasis(kind, request)
  const perTake = row && basis ? unitsOf(row, basis.duration) : null
  const count = Number.isInteger(takes) && takes > 0 ? takes : 1
  return { units: perTake === null ? null : round(perTake * count), perTake }
}
