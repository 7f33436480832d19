import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ASPECT_RATIOS, type AspectRatio } from '../../shared/kling'

// The emulator's results are real MP4s made by scripts/make-samples.sh, one per aspect ratio
// and duration, so a client can check it got the shape it asked for.

/** The durations scripts/make-samples.sh makes, in seconds, shortest first. */
export const SAMPLE_SECONDS = [5, 10, 15] as const

/** What an extension grows to at most: the longest sample (and the longest any model takes). */
export const LONGEST_SAMPLE_SECONDS = SAMPLE_SECONDS[SAMPLE_SECONDS.length - 1]!

/** Walks up from here and from the working directory to the first resources/samples. */
export function findSamplesDir(): string {
  const starts = [dirname(fileURLToPath(import.meta.url)), process.cwd()]
  for (const start of starts) {
    let dir = start
    for (;;) {
      const candidate = join(dir, 'resources', 'samples')
      if (existsSync(candidate)) return candidate
      const parent = dirname(dir)
      if (parent === dir) break
      dir = parent
    }
  }
  throw new Error('resources/samples not found: run "npm run samples" in the repository')
}

/**
 * The sample of this shape. A duration with no sample of its own (kling-v3 takes 3 to 15 s) is
 * served by the sample of the nearest duration; the answer still says the duration asked for.
 */
export function sampleFile(dir: string, ratio: AspectRatio = '16:9', seconds = 5): string {
  const nearest = SAMPLE_SECONDS.reduce((best, s) =>
    Math.abs(s - seconds) < Math.abs(best - seconds) ? s : best,
  )
  return resolve(dir, `${ratio.replace(':', 'x')}-${nearest}s.mp4`)
}

/** The aspect ratio of the registry nearest to width:height (compared on a log scale). */
export function nearestRatio(width: number, height: number): AspectRatio {
  const target = Math.log(width / height)
  const distance = (ratio: AspectRatio) => {
    const [w, h] = ratio.split(':').map(Number) as [number, number]
    return Math.abs(Math.log(w / h) - target)
  }
  return ASPECT_RATIOS.reduce((best, r) => (distance(r) < distance(best) ? r : best))
}
