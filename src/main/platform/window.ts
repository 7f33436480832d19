import { BrowserWindow, screen, session, shell } from 'electron'
import { CONTENT_SECURITY_POLICY } from '../../shared/csp'
import { externalAllowed } from '../../shared/external-links'
import Store from 'electron-store'
import { permissionAllowed } from './permissions'

// The one window, hardened per Electron's security checklist: isolated, sandboxed, no Node, no
// navigation, no new windows, and no permissions but full screen and writing the clipboard, for
// the app's own page only (platform/permissions.ts). Its size and place are remembered.

interface WindowState {
  x?: number
  y?: number
  width: number
  height: number
  maximized: boolean
}

export const WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  // Chromium's spellchecker downloads dictionaries from Google: no traffic the person did not ask for.
  spellcheck: false,
} as const

/**
 * The session's rules. `pageOrigins`: the app's page's origins (platform/page-origins.ts), the
 * only ones granted a permission. The page's policy is sent as a header to every response (the
 * dev server's page; app:// sends it itself, and the page carries it in a meta tag too).
 */
export function lockDownSession(pageOrigins: readonly string[]): void {
  const s = session.defaultSession
  s.setSpellCheckerEnabled(false)
  // details is always given by Electron; a caller that leaves it out is refused, not an error.
  s.setPermissionRequestHandler((_wc, permission, callback, details) =>
    callback(
      permissionAllowed(
        permission,
        { url: details?.requestingUrl, isMainFrame: details?.isMainFrame },
        pageOrigins,
      ),
    ),
  )
  s.setPermissionCheckHandler((_wc, permission, requestingOrigin, details) =>
    permissionAllowed(
      permission,
      { url: details?.requestingUrl, origin: requestingOrigin, isMainFrame: details?.isMainFrame },
      pageOrigins,
    ),
  )
  s.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    })
  })
}

function visible(state: WindowState): boolean {
  if (state.x === undefined || state.y === undefined) return false
  const area = screen.getDisplayMatching({
    x: state.x,
    y: state.y,
    width: state.width,
    height: state.height,
  }).workArea
  return (
    state.x < area.x + area.width &&
    state.y < area.y + area.height &&
    state.x + state.width > area.x &&
    state.y + state.height > area.y
  )
}

export function createMainWindow(options: {
  preload: string
  /** The page's address: app://studio/index.html, or the dev server in development. */
  url: string
  icon?: string
}): BrowserWindow {
  const store = new Store<{ window: WindowState }>({
    name: 'window-state',
    defaults: { window: { width: 1280, height: 820, maximized: false } },
  })
  const saved = store.get('window')
  const win = new BrowserWindow({
    width: saved.width,
    height: saved.height,
    ...(visible(saved) ? { x: saved.x, y: saved.y } : {}),
    minWidth: 880,
    minHeight: 600,
    show: false,
    title: 'Kling Studio',
    backgroundColor: '#111318',
    icon: options.icon,
    webPreferences: { ...WEB_PREFERENCES, preload: options.preload },
  })
  if (saved.maximized) win.maximize()
  win.once('ready-to-show', () => win.show())

  const remember = () => {
    if (win.isDestroyed()) return
    const bounds = win.getNormalBounds()
    store.set('window', { ...bounds, maximized: win.isMaximized() })
  }
  win.on('resize', remember)
  win.on('move', remember)
  win.on('close', remember)

  win.webContents.setWindowOpenHandler(({ url }) => {
    // The app's own external pages open in the browser; nothing opens inside the app.
    if (externalAllowed(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  // Only to the page it shows (a reload); a link elsewhere, or to another app:// file, is refused.
  win.webContents.on('will-navigate', (event, url) => {
    if (url !== win.webContents.getURL()) event.preventDefault()
  })
  win.webContents.on('will-attach-webview', (event) => event.preventDefault())

  void win.loadURL(options.url)
  return win
}
