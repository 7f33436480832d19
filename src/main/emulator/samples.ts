import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { AspectRatio, Duration } from '../../shared/kling'

// The emulator's results are real MP4s made by scripts/make-samples.sh, one per aspect ratio
// and duration, so a client can check it got the shape it asked for.

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

export function sampleFile(
  dir: string,
  ratio: AspectRatio = '16:9',
  duration: Duration = '5',
): string {
  return resolve(dir, `${ratio.replace(':', 'x')}-${duration}s.mp4`)
}
