import { protocol } from 'electron'
import { handleMediaRequest, MEDIA_SCHEME, type MediaDeps } from '../library/media-handler'

/** Must run before the app is ready: media: streams, supports fetch and Range, and is secure. */
export function registerMediaScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: MEDIA_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
    },
  ])
}

export function handleMediaProtocol(deps: () => MediaDeps): void {
  protocol.handle(MEDIA_SCHEME, (request) => handleMediaRequest(request, deps()))
}
