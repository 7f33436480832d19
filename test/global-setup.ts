import { existsSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'

// The command-line tests run the built bin/kling-studio.js, as a person would. `npm test` builds
// first; a lone `vitest` run builds here when the output is missing.
export default function setup(): void {
  if (!existsSync(resolve('out/main/cli.js'))) {
    execFileSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' })
  }
}
