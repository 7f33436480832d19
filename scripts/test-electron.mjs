// Launches the built app in real Electron with Playwright and walks the sandbox path: generate,
// watch it finish, play it. For maintainers' machines and release checks; where the Electron
// binary is missing (CI here cannot download it), it says so and skips.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
const electronDir = dirname(require.resolve('electron/package.json'))
const pathFile = join(electronDir, 'path.txt')
const binary = existsSync(pathFile)
  ? join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim())
  : null
if (!binary || !existsSync(binary)) {
  console.log(
    'test:electron skipped: the Electron binary is not installed (npm install downloads it where the network allows).',
  )
  process.exit(0)
}
if (!existsSync('out/main/index.js')) {
  console.error('Build first: npm run build')
  process.exit(1)
}

const { _electron: electron } = await import('playwright-core')
const dataDir = mkdtempSync(join(tmpdir(), 'kling-electron-'))
const app = await electron.launch({
  executablePath: binary,
  args: ['out/main/index.js'],
  env: { ...process.env, KLING_STUDIO_DATA_DIR: dataDir, ELECTRON_RENDERER_URL: '' },
})
try {
  const page = await app.firstWindow()
  await page.getByRole('button', { name: 'Try sandbox mode' }).click()
  await page.getByLabel(/^Prompt$/).fill('A paper lantern floating over a river')
  await page.getByLabel(/^Prompt$/).press('Control+Enter')
  await page.getByRole('button', { name: 'Library' }).click()
  const card = page.getByRole('button', { name: /Play A paper lantern/ })
  await card.locator('video').waitFor({ timeout: 120_000 })
  await card.click()
  await page.waitForFunction(
    () => {
      const v = document.querySelector('dialog video')
      return v instanceof HTMLVideoElement && v.currentTime > 0
    },
    undefined,
    { timeout: 30_000 },
  )
  console.log('test:electron passed: the sandbox video plays in the real app')
} finally {
  await app.close()
  rmSync(dataDir, { recursive: true, force: true })
}
