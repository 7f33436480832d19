// How the window looks before any of its code has arrived. The page remembers, in its own storage,
// the language and theme it last showed and whether it opened on the Create view; one small script
// inline in index.html reads that back while the page is parsed and, for a person who opens on
// Create, puts the picture of that view the build made (a template per language, rendered from
// the view's own components) in place of the bare start frame. The picture is inert: it takes no
// input, and the shell replaces it with the live view once main has answered. The script is
// allowed by its hash in the Content Security Policy (csp.ts), not by 'unsafe-inline'.

import type { Language } from './language'

/** localStorage key of what the page remembers. */
export const LOOK_KEY = 'kling.look'

export interface Look {
  /** The language the page showed (a setting of "system" already resolved). */
  language: Language
  /** The theme setting: "system" leaves it to the OS, as the stylesheet does. */
  theme: 'system' | 'light' | 'dark'
  /**
   * Whether the page opened on the Create view as its picture draws it: not the welcome screen, a
   * history problem or sandbox mode (whose banner the picture lacks).
   */
  create: boolean
}

/** The template holding the Create view's picture in a language. */
export const pictureId = (language: Language): string => `first-picture-${language}`

/** The attribute the picture's root carries while it stands in (the shell's render removes it). */
export const PICTURE_ATTRIBUTE = 'data-first-picture'

/**
 * The inline script, exactly as index.html carries it (its hash is in the policy). It trusts
 * nothing it reads: an unknown language or theme is ignored, a broken entry changes nothing.
 */
export const LOOK_SCRIPT =
  '(function(){try{' +
  `var l=JSON.parse(localStorage.getItem('${LOOK_KEY}')||'null');` +
  "if(!l||typeof l!=='object')return;var d=document.documentElement;" +
  "if(l.theme==='light'||l.theme==='dark')d.dataset.theme=l.theme;" +
  "if(l.language!=='en'&&l.language!=='id')return;d.lang=l.language;" +
  'if(l.create!==true)return;' +
  "var t=document.getElementById('first-picture-'+l.language),r=document.getElementById('root');" +
  'if(!t||!r)return;r.replaceChildren(t.content.cloneNode(true))' +
  '}catch(e){}})()'

/** The script's hash as the Content Security Policy names it (checked by test/unit/csp.test.ts). */
export const LOOK_SCRIPT_HASH = "'sha256-9qp4Vzqov+Il6+L9/FTz5Y4MJf1R+BdXubF3iUxz4YE='"
