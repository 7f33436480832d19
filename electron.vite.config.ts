// The build of main (the app, the command line, the list worker), preload and renderer.
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'
import { firstPicture } from './scripts/first-picture-plugin'

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // The command line is a second main-side entry: same services, no window.
        input: {
          index: resolve('src/main/index.ts'),
          cli: resolve('src/main/cli.ts'),
          // The library's queries, in a worker thread of their own (src/main/tasks/ledger-reader.ts).
          'list-worker': resolve('src/main/tasks/list-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        // A sandboxed preload cannot be an ES module, whatever package.json says.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    // The window's first paint (scripts/first-picture-plugin.ts).
    plugins: [react(), firstPicture()],
    // electron-vite leaves the renderer unminified; Vite's own minifier (Oxc) for the page's
    // JavaScript and Lightning CSS for its styles. Source maps stay off, as electron-vite has them.
    build: { minify: true },
  },
})
