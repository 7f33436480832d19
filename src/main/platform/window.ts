import { BrowserWindow, screen, session, shell } from 'electron'
import { CONTENT_SECURITY_POLICY } from '../../shared/csp'
import Store from 'electron-store'

// The one window, hardened per Electron's security checklist: isolated, sandboxed, no Node, no
// navigation, no new windows, no permissions. Its size and place are remembered.

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

/** The page's policy, sent as a header in development (the built page carries it in a meta tag). */

export function lockDownSession(): void {
  const s = session.defaultSession
  s.setSpellCheckerEnabled(false)
  s.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  s.setPermissionCheckHandler(() => false)
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
  page: { url?: string; file: string }
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

  const pageUrl = options.page.url
  win.webContents.setWindowOpenHandler(({ url }) => {
    // External https links open in the browser; nothing opens inside the app.
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  win.webContents.on('will-navigate', (event, url) => {
    if (url !== win.webContents.getURL()) event.preventDefault()
  })
  win.webContents.on('will-attach-webview', (event) => event.preventDefault())

  if (pageUrl) void win.loadURL(pageUrl)
  else void win.loadFile(options.page.file)
  return win
}
