// Which Origin the app's own page sends when it fetches a saved video or poster from media:// (a
// <video crossOrigin> drawn into a canvas for a poster frame): only that origin is answered with
// CORS headers. Plain code, without Electron, so a test can check it against real Chromium.
//
// The built page is a file: URL, and Chromium writes its origin in one of two ways:
// - "null" when file: pages are treated as in a browser (an opaque origin). The packaged app is:
//   electron-builder.yml turns the grantFileProtocolExtraPrivileges fuse off.
// - "file://" when file: pages may read other files (Chromium's allow_file_access_from_file_urls),
//   which is what that fuse grants, on by default: the unpackaged app run from out/.
// "null" is also every opaque origin's name (a sandboxed frame, a data: document); that is safe
// here only because nothing but the app's page ever runs in the window: navigation and new
// windows are refused (platform/window.ts) and the page's policy allows no frames from elsewhere.
// So "null" is allowed only where the page really sends it, the packaged app.

export interface PageOriginsInput {
  /** app.isPackaged: the fuses of electron-builder.yml are flipped. */
  packaged: boolean
  /** ELECTRON_RENDERER_URL: the dev server the page comes from in development, if any. */
  devServer?: string
}

export function pageOrigins({ packaged, devServer }: PageOriginsInput): string[] {
  if (!packaged && devServer && URL.canParse(devServer)) return [new URL(devServer).origin]
  return packaged ? ['null'] : ['file://']
}
