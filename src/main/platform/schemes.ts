import { protocol, type CustomScheme } from 'electron'
import { MEDIA_SCHEME } from '../library/media-handler'
import { handlePageRequest } from './page-handler'
import { APP_SCHEME } from './page-origins'

// The app's own URL schemes, registered with Electron. registerSchemesAsPrivileged can be called
// once only (a second call replaces the first), so every privileged scheme is in this one list.

export const PRIVILEGED_SCHEMES: CustomScheme[] = [
  {
    // The page (platform/page-handler.ts). standard: relative URLs, a real origin ("app://studio")
    // and web storage; secure: a secure context, so navigator.clipboard exists; corsEnabled: the
    // page's module script and stylesheet are crossorigin requests. It does not bypass the CSP.
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
  },
  {
    // Saved videos and posters (library/media-handler.ts): streamed with Range, and read back
    // from a canvas, so it takes part in CORS (the handler answers the page's origin only).
    scheme: MEDIA_SCHEME,
    privileges: {
      standard: true,
      secure: true,
      supportFetchAPI: true,
      stream: true,
      corsEnabled: true,
    },
  },
]

/** Before the app is ready. */
export function registerPrivilegedSchemes(): void {
  protocol.registerSchemesAsPrivileged(PRIVILEGED_SCHEMES)
}

/** After it is ready: app://studio/ serves the built page's folder, `root`. */
export function handlePageProtocol(root: string): void {
  protocol.handle(APP_SCHEME, (request) => handlePageRequest(request, root))
}
