import { protocol } from 'electron'
import { handleMediaRequest, MEDIA_SCHEME, type MediaDeps } from '../library/media-handler'

/**
 * Must run before the app is ready: media: streams, supports fetch and Range, and is secure; and
 * it takes part in CORS, so the page's <video crossOrigin="anonymous"> of a saved video can be
 * drawn into a canvas and read back (the handler allows the app's own page only).
 */
export function registerMediaScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: MEDIA_SCHEME,
      privileges: {
        standard: true,
        secure: true,
        supportFetchAPI: true,
        stream: true,
        corsEnabled: true,
      },
    },
  ])
}

export function handleMediaProtocol(deps: () => MediaDeps): void {
  protocol.handle(MEDIA_SCHEME, (request) => handleMediaRequest(request, deps()))
}
