// The page's Content Security Policy, once. Main sends it as a header (app:// with the built page,
// and the session to the dev server's); the page carries it in a meta tag too
// (src/renderer/index.html), so it holds wherever the page is opened. 'self' is the page's own
// origin, app://studio (a standard scheme, so a real origin). frame-ancestors is header-only: a
// meta tag cannot carry it. The page's one inline script (first-look.ts) is allowed by its hash.
import { LOOK_SCRIPT_HASH } from './first-look'

export const CONTENT_SECURITY_POLICY = `default-src 'self'; script-src 'self' ${LOOK_SCRIPT_HASH}; style-src 'self' 'unsafe-inline'; img-src 'self' data: media:; media-src 'self' media:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`

/** What the meta tag must say: the policy without its header-only directive. */
export const META_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
  /;\s*frame-ancestors [^;]*/,
  '',
)
