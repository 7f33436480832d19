// The page's Content Security Policy, once. Main sends it as a header; the page carries it in a
// meta tag too (src/renderer/index.html), because a page loaded from a file gets no headers.
// frame-ancestors is header-only: a meta tag cannot carry it.
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: media:; media-src 'self' media:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/** What the meta tag must say: the policy without its header-only directive. */
export const META_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
  /;\s*frame-ancestors [^;]*/,
  '',
)
