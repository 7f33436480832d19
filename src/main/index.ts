import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { BrowserWindow } from 'electron'
import { app, ipcMain, net, powerMonitor, shell } from 'electron'
import { AppCore } from './app/app-core'
import { startEmulator } from './emulator/server'
import { eventSender, registerHandlers } from './ipc/register'
import { Library } from './library/library'
import { POSTERS_DIR } from './library/posters'
import { rescanLibrary } from './library/rescan'
import { LEDGER_FILE, PRODUCT_NAME } from './paths'
import { desktopActions } from './platform/desktop-actions'
import { openElectronSettings } from './platform/electron-settings'
import { handleMediaProtocol, registerMediaScheme } from './platform/media-protocol'
import { installMenu } from './platform/menu'
import { pageOrigins } from './platform/page-origins'
import { openSecretStore } from './platform/secret-store'
import { createMainWindow, lockDownSession } from './platform/window'
import { Ledger } from './tasks/ledger'

// The composition root: builds the services, binds them to IPC and the media protocol, opens
// the window. Everything it wires is plain Node code tested without Electron.

const here = fileURLToPath(new URL('.', import.meta.url))
const rendererFile = join(here, '../renderer/index.html')
const resourcesDir = app.isPackaged ? process.resourcesPath : join(here, '../../resources')

if (process.env.KLING_STUDIO_DATA_DIR) app.setPath('userData', process.env.KLING_STUDIO_DATA_DIR)
registerMediaScheme()

let window: BrowserWindow | null = null

/** Only the app's own page may call main: the built file, or the dev server in development. */
function isAppFrame(url: string): boolean {
  const dev = process.env.ELECTRON_RENDERER_URL
  // The dev server's own origin, not a prefix: http://localhost:5173.evil.example must not pass.
  if (!app.isPackaged && dev)
    return URL.canParse(url) && new URL(url).origin === new URL(dev).origin
  return url.split('#')[0] === pathToFileURL(rendererFile).href
}

async function main(): Promise<void> {
  lockDownSession()
  const dataDir = app.getPath('userData')
  mkdirSync(dataDir, { recursive: true })
  const settings = openElectronSettings()
  const secrets = await openSecretStore(dataDir)
  const ledger = new Ledger(join(dataDir, LEDGER_FILE))
  const defaultLibraryFolder = join(app.getPath('videos'), PRODUCT_NAME)
  const library = new Library({
    root: settings.get().libraryFolder ?? defaultLibraryFolder,
    // Electron's network stack, so the system proxy and certificates apply.
    fetch: (input, init) => net.fetch(input, init),
  })
  const send = eventSender((channel, payload) => window?.webContents.send(channel, payload))
  const core = new AppCore({
    ledger,
    library,
    secrets,
    settings,
    actions: desktopActions(
      () => window,
      resourcesDir,
      (id) => send('app.showJob', { id }),
    ),
    emit: send,
    startEmulator: (options) =>
      startEmulator({ ...options, samplesDir: join(resourcesDir, 'samples') }),
    info: { version: app.getVersion(), platform: process.platform },
    defaultLibraryFolder,
    systemLanguages: () => app.getPreferredSystemLanguages(),
    fetch: (input, init) => net.fetch(input, init),
    listWorker: join(here, 'list-worker.js'),
    postersFolder: join(dataDir, POSTERS_DIR),
    log: (line) => console.error(`[kling] ${line}`),
  })
  registerHandlers(ipcMain, core.handlers(), isAppFrame, (line) => console.error(`[ipc] ${line}`))
  // The one origin the app's page sends ("null" only for the packaged file: page; why that is
  // safe: platform/page-origins.ts).
  const corsOrigins = pageOrigins({
    packaged: app.isPackaged,
    devServer: process.env.ELECTRON_RENDERER_URL,
  })
  handleMediaProtocol(() => ({ ...core.mediaDeps(), corsOrigins }))

  window = createMainWindow({
    preload: join(here, '../preload/index.cjs'),
    page: {
      url: app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL,
      file: rendererFile,
    },
    icon: join(resourcesDir, 'icon.png'),
  })
  window.on('closed', () => (window = null))
  installMenu({
    rescan: () => void rescanLibrary(ledger, library),
    openLibrary: () => void shell.openPath(library.root),
  })
  powerMonitor.on('suspend', () => core.suspend())
  powerMonitor.on('resume', () => core.wake())
  app.on('before-quit', () => {
    void core.stop().finally(() => ledger.close())
  })
  await core.start()
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => {
    if (!window) return
    if (window.isMinimized()) window.restore()
    window.focus()
  })
  void app.whenReady().then(main)
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
}
