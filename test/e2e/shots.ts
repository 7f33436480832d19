import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Page } from 'playwright-core'

// The screenshot matrix of one view: a small and a large window, each in the light and the dark
// theme. At every point it saves a screenshot, runs axe-core (serious and critical issues only)
// and looks for anything wider than the window. It answers with the problems found, so a test
// can expect none; the view, the window size and the theme are left as they were.

export const SHOTS_DIR = resolve('test-results/screenshots')

export const MATRIX_SIZES = [
  { width: 1024, height: 700 },
  { width: 1920, height: 1080 },
] as const
export const MATRIX_THEMES = ['light', 'dark'] as const

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[]
}

/** axe-core on the page as it is: its serious and critical violations, one line each. */
export async function axeProblems(page: Page, where: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window)))
    await page.addScriptTag({ url: '/__test/axe.js' })
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: { run(): Promise<unknown> } }).axe.run(),
  )) as AxeResult
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${where}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    )
}

// Runs in the page, as text: no helper of the test's bundler can leak into it. An element past
// the window's right edge counts only when no box between it and .content clips or scrolls it.
const OVERFLOW_CHECK = `(() => {
  const out = [];
  const vw = window.innerWidth;
  const name = (el) =>
    el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const page = document.scrollingElement;
  if (page && page.scrollWidth > vw) out.push('the page scrolls sideways: ' + page.scrollWidth + 'px in ' + vw + 'px');
  const content = document.querySelector('.content');
  if (!content) return out;
  if (content.scrollWidth > content.clientWidth + 1)
    out.push('.content scrolls sideways: ' + content.scrollWidth + 'px in ' + content.clientWidth + 'px');
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== content; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o !== 'visible' && a.getBoundingClientRect().right <= vw + 0.5) return true;
    }
    return false;
  };
  for (const el of content.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.width > vw + 0.5) out.push(name(el) + ' is ' + Math.round(r.width) + 'px wide in ' + vw + 'px');
    else if (r.right > vw + 0.5 && !clipped(el))
      out.push(name(el) + ' ends at ' + Math.round(r.right) + 'px, past ' + vw + 'px');
    if (out.length >= 12) break;
  }
  return out;
})()`

/** What is wider than the window in the page as it is, one line each (none: nothing). */
export async function overflowProblems(page: Page, where: string): Promise<string[]> {
  const found = (await page.evaluate(OVERFLOW_CHECK)) as string[]
  return found.map((line) => `${where}: ${line}`)
}

async function settle(page: Page): Promise<void> {
  // Two frames: styles recomputed and laid out after a size or theme change.
  await page.evaluate(
    () =>
      new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))),
  )
}

async function setTheme(page: Page, theme: string | null): Promise<void> {
  await page.evaluate((t) => {
    if (t === null) delete document.documentElement.dataset.theme
    else document.documentElement.dataset.theme = t
  }, theme)
}

/**
 * Screenshots of the current view at 1024x700 and 1920x1080, light and dark, saved as
 * `<name>-<width>x<height>-<theme>.png` under test-results/screenshots; axe and the overflow
 * check at each. Answers every problem found (an empty list when the view is fine).
 */
export async function shotMatrix(page: Page, name: string, dir = SHOTS_DIR): Promise<string[]> {
  await mkdir(dir, { recursive: true })
  const viewport = page.viewportSize()
  const theme = await page.evaluate(() => document.documentElement.dataset.theme ?? null)
  const problems: string[] = []
  try {
    for (const size of MATRIX_SIZES) {
      await page.setViewportSize(size)
      for (const look of MATRIX_THEMES) {
        await setTheme(page, look)
        await settle(page)
        const where = `${name} ${size.width}x${size.height} ${look}`
        await page.screenshot({
          path: join(dir, `${name}-${size.width}x${size.height}-${look}.png`),
        })
        problems.push(...(await axeProblems(page, where)))
        problems.push(...(await overflowProblems(page, where)))
      }
    }
  } finally {
    if (viewport) await page.setViewportSize(viewport)
    await setTheme(page, theme)
    await settle(page)
  }
  return problems
}

/** Widths between and beyond the matrix's two, where only overflow is checked (no screenshots). */
export const SWEEP_WIDTHS = [1280, 1600, 2560] as const

/** What is wider than the window at each of SWEEP_WIDTHS (the window's size is restored). */
export async function overflowSweep(page: Page, name: string): Promise<string[]> {
  const viewport = page.viewportSize()
  const problems: string[] = []
  try {
    for (const width of SWEEP_WIDTHS) {
      await page.setViewportSize({ width, height: 1080 })
      await settle(page)
      problems.push(...(await overflowProblems(page, `${name} ${width}px`)))
    }
  } finally {
    if (viewport) await page.setViewportSize(viewport)
    await settle(page)
  }
  return problems
}
