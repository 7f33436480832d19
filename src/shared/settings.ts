import { ASPECT_RATIOS, DURATIONS, MODES, type Text2VideoRequest } from './kling'

// What a person can set. The app stores it with electron-store (schema below); the command line
// reads the same file.

export const LANGUAGES = ['system', 'en', 'id'] as const
export const THEMES = ['system', 'light', 'dark'] as const

export type DefaultOptions = Pick<
  Text2VideoRequest,
  'aspect_ratio' | 'duration' | 'mode' | 'model_name' | 'negative_prompt'
>

export interface Settings {
  baseUrl: string
  /** null: the default folder in the person's videos folder. */
  libraryFolder: string | null
  concurrency: number
  defaults: DefaultOptions
  language: (typeof LANGUAGES)[number]
  theme: (typeof THEMES)[number]
  notifications: boolean
  /** Use the built-in emulator instead of CometAPI (also what happens while no key is set). */
  sandboxMode: boolean
  /** Spending: caps in units and an optional price per unit (src/shared/spend.ts). */
  budget: Budget
}

/** What a person may set about money. Every field is optional (null: not set). */
export interface Budget {
  /** Units a day may take (local midnight to midnight), sent or waiting; null: no cap. */
  dailyUnits: number | null
  /** Units a calendar month may take; null: no cap. */
  monthlyUnits: number | null
  /** What one unit costs the person, to show units as money; null: units only. */
  pricePerUnit: number | null
  /** The currency of pricePerUnit (ISO 4217, e.g. USD). */
  currency: string
}

export const UNITS_CAP_MAX = 1_000_000
export const PRICE_PER_UNIT_MAX = 1_000_000

export const DEFAULT_BUDGET: Budget = {
  dailyUnits: null,
  monthlyUnits: null,
  pricePerUnit: null,
  currency: 'USD',
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * Where the key may be sent: https anywhere, plain http only on this machine (the emulator), and
 * never with a user name or password in the URL, which can make one host look like another.
 */
export function isAllowedBaseUrl(url: string): boolean {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  if (u.username !== '' || u.password !== '') return false
  return u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname))
}

/**
 * An absolute path on any of the three systems (/..., C:\... or C:/..., \\server\share): a
 * relative one would land wherever the app happened to start.
 */
export function isAbsoluteFolder(path: string): boolean {
  return /^(\/|[A-Za-z]:[\\/]|\\\\[^\\])/.test(path)
}

export const DEFAULT_SETTINGS: Settings = {
  baseUrl: 'https://api.cometapi.com',
  libraryFolder: null,
  concurrency: 3,
  defaults: {},
  language: 'system',
  theme: 'system',
  notifications: true,
  sandboxMode: false,
  budget: DEFAULT_BUDGET,
}

export const CONCURRENCY_MAX = 10

/** JSON Schema for electron-store: a hand-edited file that breaks it is refused, not half-read. */
export const SETTINGS_SCHEMA = {
  baseUrl: { type: 'string', pattern: '^https?://' },
  libraryFolder: { type: ['string', 'null'] },
  concurrency: { type: 'integer', minimum: 1, maximum: CONCURRENCY_MAX },
  defaults: {
    type: 'object',
    additionalProperties: false,
    properties: {
      aspect_ratio: { enum: [...ASPECT_RATIOS] },
      duration: { enum: [...DURATIONS] },
      mode: { enum: [...MODES] },
      model_name: { type: 'string', minLength: 1, maxLength: 64 },
      negative_prompt: { type: 'string', maxLength: 200 },
    },
  },
  language: { enum: [...LANGUAGES] },
  theme: { enum: [...THEMES] },
  notifications: { type: 'boolean' },
  sandboxMode: { type: 'boolean' },
  budget: {
    type: 'object',
    properties: {
      dailyUnits: { type: ['number', 'null'], exclusiveMinimum: 0, maximum: UNITS_CAP_MAX },
      monthlyUnits: { type: ['number', 'null'], exclusiveMinimum: 0, maximum: UNITS_CAP_MAX },
      pricePerUnit: { type: ['number', 'null'], exclusiveMinimum: 0, maximum: PRICE_PER_UNIT_MAX },
      currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    },
  },
} as const

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Settings from untrusted JSON: each field kept only when valid, otherwise its default. */
export function sanitizeSettings(value: unknown): Settings {
  const v = isRecord(value) ? value : {}
  const out: Settings = { ...DEFAULT_SETTINGS, defaults: {} }
  if (typeof v.baseUrl === 'string' && isAllowedBaseUrl(v.baseUrl)) out.baseUrl = v.baseUrl
  if (typeof v.libraryFolder === 'string' && isAbsoluteFolder(v.libraryFolder))
    out.libraryFolder = v.libraryFolder
  if (
    typeof v.concurrency === 'number' &&
    Number.isInteger(v.concurrency) &&
    v.concurrency >= 1 &&
    v.concurrency <= CONCURRENCY_MAX
  ) {
    out.concurrency = v.concurrency
  }
  if (isRecord(v.defaults)) {
    const d = v.defaults
    if ((ASPECT_RATIOS as readonly unknown[]).includes(d.aspect_ratio))
      out.defaults.aspect_ratio = d.aspect_ratio as Settings['defaults']['aspect_ratio']
    if ((DURATIONS as readonly unknown[]).includes(d.duration))
      out.defaults.duration = d.duration as Settings['defaults']['duration']
    if ((MODES as readonly unknown[]).includes(d.mode))
      out.defaults.mode = d.mode as Settings['defaults']['mode']
    if (typeof d.model_name === 'string' && d.model_name.trim() !== '')
      out.defaults.model_name = d.model_name
    if (typeof d.negative_prompt === 'string' && d.negative_prompt.length <= 200)
      out.defaults.negative_prompt = d.negative_prompt
  }
  if ((LANGUAGES as readonly unknown[]).includes(v.language))
    out.language = v.language as Settings['language']
  if ((THEMES as readonly unknown[]).includes(v.theme)) out.theme = v.theme as Settings['theme']
  if (typeof v.notifications === 'boolean') out.notifications = v.notifications
  if (typeof v.sandboxMode === 'boolean') out.sandboxMode = v.sandboxMode
  out.budget = sanitizeBudget(v.budget)
  return out
}

/** A positive number up to max, or null (a cap or price left unset). */
function positiveOrNull(v: unknown, max: number): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= max ? v : null
}

/** Budget from untrusted JSON: each field kept only when valid, otherwise unset. */
export function sanitizeBudget(value: unknown): Budget {
  const b = isRecord(value) ? value : {}
  return {
    dailyUnits: positiveOrNull(b.dailyUnits, UNITS_CAP_MAX),
    monthlyUnits: positiveOrNull(b.monthlyUnits, UNITS_CAP_MAX),
    pricePerUnit: positiveOrNull(b.pricePerUnit, PRICE_PER_UNIT_MAX),
    currency:
      typeof b.currency === 'string' && /^[A-Z]{3}$/.test(b.currency)
        ? b.currency
        : DEFAULT_BUDGET.currency,
  }
}
