// Runs a TypeScript entry of the project (a benchmark, the soak) under plain Node: bundles it
// with Vite for Node first, since the sources use bundler-style imports.
import { mkdirSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'vite'

const [entry, ...args] = process.argv.slice(2)
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs <entry.ts> [args]')
  process.exit(2)
}
const outDir = resolve('out/scripts')
mkdirSync(outDir, { recursive: true })
const name = basename(entry).replace(/\.ts$/, '')
await build({
  configFile: false,
  logLevel: 'warn',
  build: {
    ssr: resolve(entry),
    outDir,
    emptyOutDir: false,
    minify: false,
    rollupOptions: {
      output: { entryFileNames: `${name}.mjs`, format: 'es' },
      external: [/^node:/, 'playwright-core', 'keytar'],
    },
  },
})
process.argv = [process.argv[0], entry, ...args]
await import(pathToFileURL(resolve(outDir, `${name}.mjs`)).href)
