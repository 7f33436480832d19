import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { en } from '../../src/renderer/src/i18n/en'
import { id } from '../../src/renderer/src/i18n/id'
import { LOOK_SCRIPT, PICTURE_ATTRIBUTE, pictureId } from '../../src/shared/first-look'
import { LANGUAGE_CODES } from '../../src/shared/language'

// The built index.html (npm test builds first): the stylesheet inline, the Create view's picture
// in every language the page speaks, made by the view's own components, and the one inline script
// the policy allows. The way it behaves in a browser: test/e2e/first-look.test.ts.

const CATALOGUES = { en, id }
const translate = (language: keyof typeof CATALOGUES, key: keyof typeof en) =>
  CATALOGUES[language][key]

const html = readFileSync(resolve('out/renderer/index.html'), 'utf8')
const picture = (language: string) =>
  new RegExp(`<template id="${pictureId(language as never)}">(.*?)</template>`, 's').exec(
    html,
  )?.[1] ?? ''

describe('the built first page', () => {
  it('holds the Create view in each language, inert, with a new draft and nothing random', () => {
    for (const language of LANGUAGE_CODES) {
      const markup = picture(language)
      expect(markup.startsWith(`<div class="shell" inert="" ${PICTURE_ATTRIBUTE}="">`)).toBe(true)
      const title = translate(language, 'compose.title')
      expect(markup).toContain(`<h1 id="compose-title" tabindex="-1">${title}</h1>`)
      expect(markup).toContain(`>${translate(language, 'feed.title')}</h2>`)
      // The feed says nothing of an empty history: the person's own comes with the live view.
      expect(markup).not.toContain(translate(language, 'feed.emptyTitle'))
      // The external id a new draft proposes is fixed here, not a random one per build.
      expect(markup).toContain('ks-00000000-0000-4000-8000-000000000000')
      expect(markup).toMatch(/<option value="kling-v2-6" selected="">/)
    }
  })

  it('carries the stylesheet inline and exactly one inline script, the one the policy names', () => {
    const inline = [...html.matchAll(/<script>(.*?)<\/script>/gs)].map((m) => m[1])
    expect(inline).toEqual([LOOK_SCRIPT])
    // The script comes after the pictures it reads, and after the root it fills.
    expect(html.indexOf(LOOK_SCRIPT)).toBeGreaterThan(html.lastIndexOf('</template>'))
    expect(html.indexOf('<div id="root">')).toBeLessThan(html.indexOf('<template'))
    const styles = [...html.matchAll(/<style>(.*?)<\/style>/gs)].map((m) => m[1]!)
    expect(styles.some((css) => css.includes('.create-workspace'))).toBe(true)
    expect(html).not.toContain('<!-- first-look')
  })
})
