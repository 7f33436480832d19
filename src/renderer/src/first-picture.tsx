import { renderToStaticMarkup } from 'react-dom/server'
import { PICTURE_ATTRIBUTE } from '../../shared/first-look'
import type { Language } from '../../shared/language'
import { DEFAULT_SETTINGS } from '../../shared/settings'

// The Create view as the build draws it for index.html (first-look.ts says how it is used): the
// window's own components rendered to markup in Node, in each language, for a person with a key,
// default settings and a new draft (nothing typed yet); the feed shows its heading only, as the live view does
// until its first page is in. Never part of the page's bundle: the build runs it (see
// scripts/first-picture-plugin.ts) and keeps only the markup.

/**
 * What the components read from the browser while rendering: an empty storage, a fixed id. Put in
 * place for the render and taken away after (it runs inside the build's own process).
 */
function quietBrowser(): () => void {
  const kept = new Map<string, string>()
  const storage: Storage = {
    get length() {
      return kept.size
    },
    clear: () => kept.clear(),
    getItem: (k) => kept.get(k) ?? null,
    key: (i) => [...kept.keys()][i] ?? null,
    removeItem: (k) => void kept.delete(k),
    setItem: (k, v) => void kept.set(k, String(v)),
  }
  const had = Object.getOwnPropertyDescriptor(globalThis, 'localStorage')
  const uuid = globalThis.crypto.randomUUID
  Object.defineProperty(globalThis, 'localStorage', { value: storage, configurable: true })
  // The external id the form proposes is random: the picture's would only differ build to build.
  globalThis.crypto.randomUUID = () => '00000000-0000-4000-8000-000000000000'
  return () => {
    if (had) Object.defineProperty(globalThis, 'localStorage', had)
    else delete (globalThis as { localStorage?: Storage }).localStorage
    globalThis.crypto.randomUUID = uuid
  }
}

/** The picture in each language: the shell's markup, marked inert and as the picture. */
export async function firstPictures(
  languages: readonly Language[],
): Promise<Record<string, string>> {
  const restore = quietBrowser()
  try {
    return await render(languages)
  } finally {
    restore()
  }
}

async function render(languages: readonly Language[]): Promise<Record<string, string>> {
  // Loaded after the storage is in place: stores read it when they are made.
  const [{ App }, { useApp }, { useLanguage }, { useDraft }] = await Promise.all([
    import('./App'),
    import('./stores/app'),
    import('./i18n'),
    import('./stores/draft'),
  ])
  // A server render sees each store's initial state (zustand's server snapshot): that is set.
  Object.assign(useApp.getInitialState(), {
    ready: true,
    settings: DEFAULT_SETTINGS,
    key: { set: true, last4: null, storage: 'keychain', warning: null },
    info: {
      version: '',
      platform: '',
      sandbox: false,
      sandboxReason: null,
      libraryFolder: '',
      mediaBase: '',
      posterBase: '',
    },
    view: 'compose',
  })
  // A draft as the live view starts one from the default settings (the recommended model).
  useDraft.getState().start(DEFAULT_SETTINGS.defaults)
  Object.assign(useDraft.getInitialState(), useDraft.getState())
  const pictures: Record<string, string> = {}
  for (const language of languages) {
    Object.assign(useLanguage.getInitialState(), { language })
    const html = renderToStaticMarkup(<App />)
    const open = '<div class="shell">'
    if (!html.startsWith(open)) throw new Error(`the shell no longer opens with ${open}`)
    pictures[language] =
      `<div class="shell" inert="" ${PICTURE_ATTRIBUTE}="">` + html.slice(open.length)
  }
  return pictures
}
