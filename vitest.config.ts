import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: [
      'test/unit/**/*.test.ts',
      'test/integration/**/*.test.ts',
      'test/keychain/**/*.test.ts',
      'test/e2e/**/*.test.ts',
      'test/renderer/**/*.test.{ts,tsx}',
    ],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    // Run through vitest, so a test may stand in for the electron module it imports
    // (electron-settings-watch.test.ts); elsewhere it is mocked whole.
    server: { deps: { inline: ['electron-store'] } },
    env: {
      // A stray require('electron') returns a string instead of downloading a binary.
      ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent-electron',
    },
  },
})
