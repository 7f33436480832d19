import { resolve } from 'node:path'
import { build } from 'vite'

/** Bundles browser-bridge.ts into one script a page can run before its own. */
export async function buildBrowserBridge(outDir: string): Promise<string> {
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: false,
      minify: false,
      lib: {
        entry: resolve('test/e2e/browser-bridge.ts'),
        formats: ['iife'],
        name: 'klingBridge',
        fileName: () => 'bridge.js',
      },
    },
  })
  return resolve(outDir, 'bridge.js')
}
