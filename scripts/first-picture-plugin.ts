// The renderer build's step that lets the window show the Create view before its code arrives
// (src/shared/first-look.ts): index.html gets the page's stylesheet inline, the view's picture in
// each language (rendered in Node from the view's own components by
// src/renderer/src/first-picture.tsx, built here for Node first), and the script that chooses.
// A dev server gets only the script (it finds no picture and leaves the start frame).

import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build, type Plugin } from 'vite'
import { LOOK_SCRIPT, pictureId } from '../src/shared/first-look'
import { LANGUAGE_CODES, type Language } from '../src/shared/language'

/** Where index.html marks the stylesheet, the pictures and the script. */
export const MARKS = {
  style: '<!-- first-look: stylesheet -->',
  pictures: '<!-- first-look: pictures -->',
  script: '<!-- first-look: script -->',
} as const

/** The picture's markup per language, from the components built for Node in a folder of its own. */
async function renderPictures(root: string): Promise<Record<string, string>> {
  // Inside the project, so the built module finds React in its node_modules; outside out/, which
  // is what gets packaged, should a build be killed before it cleans up.
  const cache = resolve(root, 'node_modules/.cache')
  await mkdir(cache, { recursive: true })
  const dir = await mkdtemp(join(cache, 'first-picture-'))
  try {
    await build({
      configFile: false,
      root,
      logLevel: 'warn',
      build: {
        ssr: resolve(root, 'src/renderer/src/first-picture.tsx'),
        outDir: dir,
        emptyOutDir: false,
        minify: false,
        rollupOptions: { output: { entryFileNames: 'first-picture.mjs', format: 'es' } },
      },
    })
    // src/renderer/src/first-picture.tsx's one export, as built.
    const built = (await import(pathToFileURL(join(dir, 'first-picture.mjs')).href)) as {
      firstPictures(languages: readonly Language[]): Promise<Record<string, string>>
    }
    return await built.firstPictures(LANGUAGE_CODES)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function put(html: string, mark: string, what: string): string {
  if (!html.includes(mark)) throw new Error(`index.html lost its mark ${mark}`)
  return html.replace(mark, () => what)
}

export function firstPicture(): Plugin {
  // The project's folder: the renderer's root is src/renderer, two levels below it.
  let root = process.cwd()
  return {
    name: 'kling-first-picture',
    configResolved: (config) => void (root = resolve(config.root, '../..')),
    transformIndexHtml: {
      order: 'post',
      async handler(html, ctx) {
        html = put(html, MARKS.script, `<script>${LOOK_SCRIPT}</script>`)
        if (!ctx.bundle) return html.replace(MARKS.style, '').replace(MARKS.pictures, '')
        const sheets = Object.values(ctx.bundle).filter(
          (file) => file.type === 'asset' && file.fileName.endsWith('.css'),
        )
        if (sheets.length !== 1) throw new Error(`expected one stylesheet, found ${sheets.length}`)
        const sheet = sheets[0]!
        const css = sheet.type === 'asset' ? String(sheet.source) : ''
        if (/url\(/.test(css)) throw new Error('the stylesheet names files: inline it with care')
        const pictures = await renderPictures(root)
        const templates = Object.entries(pictures)
          .map(
            ([language, markup]) =>
              `<template id="${pictureId(language as Language)}">${markup}</template>`,
          )
          .join('')
        html = put(html, MARKS.style, `<style>${css}</style>`)
        return put(html, MARKS.pictures, templates)
      },
    },
  }
}
