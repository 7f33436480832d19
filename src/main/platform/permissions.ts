// Which web permissions the window grants: the two the player needs, and only to the app's own
// page. Plain code, so the table is tested without Electron; platform/window.ts hands Electron's
// permission request and check handlers to it.
//
// - 'fullscreen': Electron asks its handlers before the page may go full screen, so the player's
//   f key and the video's full-screen button do nothing while it is refused.
// - 'clipboard-sanitized-write': what navigator.clipboard.writeText asks for (Copy prompt).
// Nothing else: not clipboard-read, media, geolocation, notifications, openExternal, nor
// 'automatic-fullscreen' (full screen without a key press or click, which the player never needs).

export const PAGE_PERMISSIONS: ReadonlySet<string> = new Set([
  'fullscreen',
  'clipboard-sanitized-write',
])

/** Who asks, as Electron says it: the frame's URL and/or origin, and whether it is the top one. */
export interface PermissionAsker {
  /** The requesting frame's URL (details.requestingUrl). */
  url?: string
  /** The requesting origin (the check handler's requestingOrigin, often with a trailing slash). */
  origin?: string
  isMainFrame?: boolean
}

/**
 * The origin a URL (or an origin written as one, "app://studio/") belongs to, as Chromium writes
 * it; null for an opaque one (file:, data:, "null") or anything unparsable. Node's URL calls
 * every non-http scheme's origin "null", so a standard custom scheme's is built by hand.
 */
export function originOf(url: string): string | null {
  if (!URL.canParse(url)) return null
  const u = new URL(url)
  if (u.origin !== 'null') return u.origin
  if (u.protocol === 'file:' || u.host === '') return null
  return `${u.protocol}//${u.host}`
}

/** Whether to grant `permission` to this asker, given the app's page origins. */
export function permissionAllowed(
  permission: string,
  asker: PermissionAsker,
  pageOrigins: readonly string[],
): boolean {
  if (!PAGE_PERMISSIONS.has(permission) || asker.isMainFrame !== true) return false
  const named = [asker.url, asker.origin].filter((s): s is string => s !== undefined && s !== '')
  if (named.length === 0) return false
  return named.every((s) => {
    const origin = originOf(s)
    return origin !== null && pageOrigins.includes(origin)
  })
}
