// The web pages the window may send a person to, in their browser: the app's own links (where
// to get a CometAPI key) and nothing else. main's window open handler asks externalAllowed
// before handing an address to the system browser, so a page that went wrong (or text a server
// sent that became a link) cannot open just any address.

/** Where a person gets a CometAPI key. */
export const KEY_PAGE = 'https://www.cometapi.com/console/token'

/** Sites whose pages (and whose subdomains' pages) may be opened: CometAPI's and Kling's. */
const SITES = ['cometapi.com', 'klingai.com'] as const

/** Whether `url` is an https page on one of those sites, with no user name or password in it. */
export function externalAllowed(url: string): boolean {
  if (!URL.canParse(url)) return false
  const u = new URL(url)
  if (u.protocol !== 'https:' || u.username !== '' || u.password !== '' || u.port !== '')
    return false
  return SITES.some((site) => u.hostname === site || u.hostname.endsWith(`.${site}`))
}
