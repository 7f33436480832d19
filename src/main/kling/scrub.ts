import type { KlingTask } from '../../shared/kling'
import { KlingApiError } from './errors'

// A server may repeat the Authorization header it was sent (some gateways' error pages do), so
// every text that comes back from one is cleaned of the key before anything stores, logs, emits
// or prints it. The transport knows the key of each request and runs its answers and errors
// through here: one boundary, so nothing further in needs to know what a key looks like.

export const KEY_MARK = '[key]'

/** A run of at least this many characters of the key is the key (a server may cut it short). */
const FRAGMENT = 12
/** A base64 window shorter than this could match ordinary text. */
const MIN_CORE = 8
/**
 * A key shorter than this cannot be told from ordinary words, ids and paths: the soak's "soak" is
 * in its external id "ks-soak-18", the emulator's example key "emulator" in its video URLs, and
 * cleaning them would corrupt the answers the app reasons on. Real keys are long and random
 * (CometAPI's have 51 characters); only the emulator and tests use short ones.
 */
export const MIN_SCRUBBED_KEY = 16
const PREFIXES = ['Bearer ', 'bearer ', 'BEARER ', 'Bearer\t', 'Bearer  ']

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64')
const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url')
const jsonEscaped = (s: string) => JSON.stringify(s).slice(1, -1)
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}
const htmlNamed = (s: string) => s.replace(/[&<>"']/g, (c) => ENTITIES[c]!)
const htmlNumbered = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * The part of a base64 text that depends only on the key, whatever bytes sit before and after
 * it, for each of the three ways the key can fall on base64's 3-byte groups.
 */
function base64Cores(key: string): string[] {
  const bytes = Buffer.from(key, 'utf8')
  const cores: string[] = []
  for (let offset = 0; offset < 3; offset++) {
    const shifted = Buffer.concat([Buffer.alloc(offset), bytes])
    for (const encoding of ['base64', 'base64url'] as const) {
      const text = shifted.toString(encoding).replace(/=+$/, '')
      const first = Math.ceil((8 * offset) / 6)
      const end = Math.floor((8 * (offset + bytes.length)) / 6)
      const core = text.slice(first, end)
      if (core.length >= MIN_CORE) cores.push(core)
    }
  }
  return cores
}

/** Every form in which a server could repeat the key it was sent, longest first. */
export function keyForms(key: string): string[] {
  const forms = new Set<string>([key])
  for (const whole of [key, ...PREFIXES.map((p) => p + key)]) {
    forms.add(b64(whole))
    forms.add(b64(whole).replace(/=+$/, ''))
    forms.add(b64url(whole))
  }
  const urlForms = [
    encodeURIComponent(key),
    encodeURI(key),
    new URLSearchParams({ k: key }).toString().slice(2),
  ]
  for (const u of urlForms) {
    forms.add(u)
    forms.add(encodeURIComponent(u))
  }
  const once = jsonEscaped(key)
  for (const j of [once, jsonEscaped(once), once.replace(/\//g, '\\/')]) forms.add(j)
  forms.add(htmlNamed(key))
  forms.add(htmlNumbered(key))
  for (const core of base64Cores(key)) forms.add(core)
  return [...forms].filter((f) => f !== '').sort((a, b) => b.length - a.length)
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Lower-cases ASCII only, so every index still points at the same character. */
const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase())

/** Any other credential a server quotes after "Bearer" goes too: a long token with a digit in it. */
const BEARER_TOKEN = /\b(bearer)(\s+)(?=[\w.~+/=-]*\d)[\w.~+/=-]{16,}/gi

export interface KeyScrubber {
  text(value: string): string
  /** The same task, every string in it cleaned. */
  task(task: KlingTask): KlingTask
  /** The same failure with its server texts cleaned (and its cause only if it holds no key). */
  error(error: KlingApiError): KlingApiError
}

export function keyScrubber(key: string): KeyScrubber {
  if (key.length < MIN_SCRUBBED_KEY) key = ''
  const pattern = key === '' ? null : new RegExp(keyForms(key).map(escapeRegExp).join('|'), 'gi')
  const lowerKey = asciiLower(key)
  const windows = new Set<string>()
  for (let i = 0; i + FRAGMENT <= lowerKey.length; i++) windows.add(lowerKey.slice(i, i + FRAGMENT))

  /** Runs of FRAGMENT or more characters of the key: a key cut short, or split over lines. */
  const fragments = (value: string): string => {
    if (windows.size === 0 || value.length < FRAGMENT) return value
    const lower = asciiLower(value)
    let out = ''
    let from = 0
    for (let i = 0; i + FRAGMENT <= lower.length;) {
      if (!windows.has(lower.slice(i, i + FRAGMENT))) {
        i++
        continue
      }
      let end = i + FRAGMENT
      while (end < lower.length && lowerKey.includes(lower.slice(i, end + 1))) end++
      out += value.slice(from, i) + KEY_MARK
      from = i = end
    }
    return out + value.slice(from)
  }

  const text = (value: string): string => {
    const whole = pattern === null ? value : value.replace(pattern, KEY_MARK)
    return fragments(whole).replace(BEARER_TOKEN, `$1$2${KEY_MARK}`)
  }
  const deep = (value: unknown): unknown => {
    if (typeof value === 'string') return text(value)
    if (Array.isArray(value)) return value.map(deep)
    if (typeof value === 'object' && value !== null)
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deep(v)]))
    return value
  }
  const clean = (value: string | null) => (value === null ? null : text(value))
  const holdsNoKey = (cause: unknown) => {
    const said = cause instanceof Error ? `${cause.message}\n${cause.stack ?? ''}` : String(cause)
    return text(said) === said
  }

  return {
    text,
    task: (task) => deep(task) as KlingTask,
    error: (error) =>
      new KlingApiError({
        kind: error.kind,
        message: text(error.message),
        status: error.status,
        code: clean(error.code),
        requestId: clean(error.requestId),
        retryAfterMs: error.retryAfterMs,
        mayHaveReachedServer: error.mayHaveReachedServer,
        cause: error.cause !== undefined && holdsNoKey(error.cause) ? error.cause : undefined,
      }),
  }
}
