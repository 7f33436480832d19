import { isAllowedBaseUrl, type Settings } from '../../shared/settings'
import { DEFAULT_BASE_URL } from '../kling/client'
import { openKeytarStore } from '../platform/keytar-store'
import { UsageError } from './args'

// Where the command line sends the key, and which key. One rule for every source of an address
// (--base-url, COMETAPI_BASE_URL, the app's settings): https anywhere, plain http only to this
// computer, never a URL with a user name; the same rule the app and the transport apply.

export function baseUrlFrom(
  flag: string | undefined,
  env: Record<string, string | undefined>,
  settings: Settings | null,
): string {
  const [source, baseUrl] =
    flag !== undefined
      ? ['--base-url', flag]
      : env.COMETAPI_BASE_URL
        ? ['COMETAPI_BASE_URL', env.COMETAPI_BASE_URL]
        : ['the app settings', settings?.baseUrl ?? DEFAULT_BASE_URL]
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol))
    throw new UsageError(`${source} must be an http(s) URL (got "${baseUrl}")`)
  if (!isAllowedBaseUrl(baseUrl)) {
    throw new UsageError(
      `${source}: refusing to send the API key to ${new URL(baseUrl).host}: use https (plain http only on this computer), without a user name or password`,
    )
  }
  return baseUrl
}

/**
 * COMETAPI_KEY first; otherwise the key the app keeps in the OS keychain. Either must pass the
 * app's rule for a key's characters (printable ASCII, no spaces or control characters): a key
 * that breaks the Authorization header gets quoted back in the runtime's error. The refusal never
 * quotes the key.
 */
export async function apiKeyFrom(env: Record<string, string | undefined>): Promise<string> {
  if (env.COMETAPI_KEY) return checkedKey(env.COMETAPI_KEY, 'COMETAPI_KEY')
  const store = await openKeytarStore()
  const key = store ? await store.get() : null
  if (key) return checkedKey(key, 'the key in the OS keychain')
  throw new UsageError(
    'No API key: set COMETAPI_KEY, or save your CometAPI key in Kling Studio (Settings), which keeps it in the OS keychain',
  )
}

function checkedKey(key: string, source: string): string {
  const trimmed = key.trim()
  // The app's rule (src/shared/contract-checks.ts, keyInput) without its minimum length.
  if (!/^[\x21-\x7e]{1,512}$/.test(trimmed))
    throw new UsageError(
      `${source} is not usable: a key is up to 512 letters, digits or symbols, without spaces or control characters`,
    )
  return trimmed
}
