import { protocol } from 'electron'
import { handleMediaRequest, MEDIA_SCHEME, type MediaDeps } from '../library/media-handler'

// media:// answered by the library's handler (its privileges: platform/schemes.ts), after ready.

export function handleMediaProtocol(deps: () => MediaDeps): void {
  protocol.handle(MEDIA_SCHEME, (request) => handleMediaRequest(request, deps()))
}
