import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BrowserWindow } from 'electron'
import { app, dialog, ipcMain, net, powerMonitor, shell } from 'electron'
import type { Handlers, HistoryProblem, RootHandlers } from '../shared/contract'
import { AppCore } from './app/app-core'
import { recoveryHandlers, rootHandlers } from './app/history-problem'
import { startEmulator } from './emulator/server'
import { eventSender, registerHandlers } from './ipc/register'
import { Library } from './library/library'
import { POSTERS_DIR } from './library/posters'
import { rescanLibrary } from './library/rescan'
import { LEDGER_FILE, PRODUCT_NAME } from './paths'
import { desktopActions } from './platform/desktop-actions'
import { openElectronSettings } from './platform/electron-settings'
import { handleMediaProtocol } from './platform/media-protocol'
import { installMenu } from './platform/menu'
import { isPageUrl, pageOrigins, pageUrl } from './platform/page-origins'
import { handlePageProtocol, registerPrivilegedSchemes } from './platform/schemes'
import { openSecretStore } from './platform/secret-store'
import { createMainWindow, lockDownSession } from './platform/window'
import type { SecretStore } from './secrets/secret-store'
import type { SettingsStore } from './settings/settings-store'
import { moveAside, openHistory, problemLine, problemOf } from './studio/history-open'
import type { Ledger } from './tasks/ledger'

// The composition root: builds the services, binds them to IPC and the media protocol, opens
// the window. Everything it wires is plain Node code tested without Electron. A history that
// cannot be opened (damaged, held by another process, newer) still gets the window: it shows the
// problem and the way out (app/history-problem.ts) instead of the services.

const here = fileURLToPath(new URL('.', import.meta.url))
/** The built page, served as app://studio/ (platform/page-handler.ts). */
const rendererDir = join(here, '../renderer')
const resourcesDir = app.isPackaged ? process.resourcesPath : join(here, '../../resources')
/** Where the page comes from: app://studio/, or the dev server in development. */
const pageSource = { packaged: app.isPackaged, devServer: process.env.ELECTRON_RENDERER_URL }

if (process.env.KLING_STUDIO_DATA_DIR) app.setPath('userData', process.env.KLING_STUDIO_DATA_DIR)
registerPrivilegedSchemes()

let window: BrowserWindow | null = null
/** Set while the window shows a history problem: closing it quits, on every platform. */
let recovering = false

/** Only the app's own page may call main: app://studio/index.html, or the dev server's. */
const isAppFrame = (url: string): boolean => isPageUrl(url, pageSource)

const logIpc = (line: string) => console.error(`[ipc] ${line}`)
const relaunch = () => {
  app.relaunch()
  app.exit(0)
}

function openWindow(): void {
  window = createMainWindow({
    preload: join(here, '../preload/index.cjs'),
    url: pageUrl(pageSource),
    icon: join(resourcesDir, 'icon.png'),
  })
  window.on('closed', () => {
    window = null
    if (recovering) app.quit()
  })
}

/** The window without the services: the problem, and Start afresh, Try again or Quit. */
function recover(problem: HistoryProblem, settings: SettingsStore, libraryFolder: string): void {
  console.error(`[kling] ${problemLine(problem)}`)
  recovering = true
  const handlers = recoveryHandlers({
    problem,
    settings,
    info: { version: app.getVersion(), platform: process.platform },
    libraryFolder,
    moveAside: (file) => moveAside(file),
    relaunch,
    log: (line) => console.error(`[kling] ${line}`),
  })
  registerHandlers(ipcMain, handlers, isAppFrame, logIpc)
  installMenu({ rescan: () => {}, openLibrary: () => void shell.openPath(libraryFolder) })
  if (window) window.webContents.reload()
  else openWindow()
}

/** The services over an open history (opening them may read, and find damage, too). */
function buildCore(
  ledger: Ledger,
  library: Library,
  settings: SettingsStore,
  secrets: SecretStore,
  dataDir: string,
): AppCore {
  const send = eventSender((channel, payload) => window?.webContents.send(channel, payload))
  return new AppCore({
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
    defaultLibraryFolder: join(app.getPath('videos'), PRODUCT_NAME),
    systemLanguages: () => app.getPreferredSystemLanguages(),
    fetch: (input, init) => net.fetch(input, init),
    listWorker: join(here, 'list-worker.js'),
    postersFolder: join(dataDir, POSTERS_DIR),
    log: (line) => console.error(`[kling] ${line}`),
  })
}

async function main(): Promise<void> {
  lockDownSession(pageOrigins(pageSource))
  handlePageProtocol(rendererDir)
  const dataDir = app.getPath('userData')
  mkdirSync(dataDir, { recursive: true })
  const settings = openElectronSettings()
  const historyFile = join(dataDir, LEDGER_FILE)
  const defaultLibraryFolder = join(app.getPath('videos'), PRODUCT_NAME)
  const libraryFolder = settings.get().libraryFolder ?? defaultLibraryFolder
  /** A history problem goes to the window; any other error on. */
  const recoverFrom = (error: unknown) => {
    const problem = problemOf(error, historyFile)
    if (!problem) throw error
    recover(problem, settings, libraryFolder)
  }
  let ledger: Ledger
  try {
    ledger = openHistory(historyFile)
  } catch (error) {
    return recoverFrom(error)
  }
  const library = new Library({
    root: libraryFolder,
    // Electron's network stack, so the system proxy and certificates apply.
    fetch: (input, init) => net.fetch(input, init),
  })
  let core: AppCore
  try {
    core = buildCore(ledger, library, settings, await openSecretStore(dataDir), dataDir)
  } catch (error) {
    ledger.close()
    return recoverFrom(error)
  }
  const handlers: Handlers & RootHandlers = { ...core.handlers(), ...rootHandlers(relaunch) }
  const unregister = registerHandlers(ipcMain, handlers, isAppFrame, logIpc)
  // The one origin the app's page sends (app://studio, or the dev server's).
  const corsOrigins = pageOrigins(pageSource)
  handleMediaProtocol(() => ({ ...core.mediaDeps(), corsOrigins }))

  openWindow()
  const tell = eventSender((channel, payload) => window?.webContents.send(channel, payload))
  installMenu({
    // The window runs it, as its own Rescan button does, and shows what it found; with no window
    // (closed on macOS) main runs it alone and can only log a failure.
    rescan: () => {
      if (window && !window.isDestroyed()) return tell('app.rescanLibrary', {})
      void rescanLibrary(ledger, library).catch((error: unknown) =>
        console.error(`[kling] the menu's rescan stopped: ${(error as Error).message ?? error}`),
      )
    },
    openLibrary: () => void shell.openPath(library.root),
  })
  let running = true
  powerMonitor.on('suspend', () => running && core.suspend())
  powerMonitor.on('resume', () => running && core.wake())
  const stop = async () => {
    if (!running) return
    running = false
    await core.stop().finally(() => ledger.close())
  }
  app.on('before-quit', () => void stop())
  try {
    await core.start()
  } catch (error) {
    // Damage further in than the open reads (a page of jobs): the services go, the window stays.
    if (!problemOf(error, historyFile)) throw error
    await stop().catch(() => {})
    unregister()
    recoverFrom(error)
  }
}

/** Anything else that stops the launch: said, and the app ends (its lock must not outlive it). */
function failed(error: unknown): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error)
  console.error(`[kling] could not start: ${detail}`)
  dialog.showErrorBox(
    PRODUCT_NAME,
    `Kling Studio could not start: ${error instanceof Error ? error.message : String(error)}`,
  )
  app.exit(1)
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => {
    if (!window) return
    if (window.isMinimized()) window.restore()
    window.focus()
  })
  void app.whenReady().then(main).catch(failed)
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
}
