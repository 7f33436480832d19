// Where the app's own page comes from, and so which origin it has: the address the window loads,
// which frame URLs are the page (only it may call main), and the one Origin media:// answers with
// CORS headers (a <video crossOrigin> drawn into a canvas for a poster frame). Plain code, without
// Electron, so tests check it.
//
// The built page is served from app://studio/ (platform/page-handler.ts), a standard, secure
// scheme, so it has a real origin, "app://studio", whether the app is packaged or not. It is not
// loaded from file:, because the packaged app turns the grantFileProtocolExtraPrivileges fuse off
// (electron-builder.yml): a file: page then has an opaque origin ("null") and Chromium refuses its
// module script, which leaves the window blank. In development the page is the dev server's.

export const APP_SCHEME = 'app'
export const APP_HOST = 'studio'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
/** What the window loads outside development. */
export const APP_PAGE_URL = `${APP_ORIGIN}/index.html`

export interface PageOriginsInput {
  /** app.isPackaged: the installers' build, where development settings are ignored. */
  packaged: boolean
  /** ELECTRON_RENDERER_URL: the dev server the page comes from in development, if any. */
  devServer?: string
}

/** The dev server, when the page comes from one (never in the packaged app). */
function devOrigin({ packaged, devServer }: PageOriginsInput): string | null {
  if (packaged || !devServer || !URL.canParse(devServer)) return null
  const origin = new URL(devServer).origin
  return origin === 'null' ? null : origin
}

/** The origins the app's page has: the dev server's in development, app://studio otherwise. */
export function pageOrigins(input: PageOriginsInput): string[] {
  return [devOrigin(input) ?? APP_ORIGIN]
}

/** The address the window loads. */
export function pageUrl(input: PageOriginsInput): string {
  return devOrigin(input) === null ? APP_PAGE_URL : input.devServer!
}

/**
 * Whether a frame's URL is the app's page: any page of the dev server's origin in development
 * (its own origin, not a prefix: http://localhost:5173.evil.example must not pass), otherwise
 * app://studio/index.html itself (a #fragment aside).
 */
export function isPageUrl(url: string, input: PageOriginsInput): boolean {
  const dev = devOrigin(input)
  if (dev !== null) return URL.canParse(url) && new URL(url).origin === dev
  return url.split('#')[0] === APP_PAGE_URL
}
