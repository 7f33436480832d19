import { homedir } from 'node:os'
import { join, parse, resolve } from 'node:path'

// Where the app keeps its data, computed the way Electron does (app.getPath('userData') is
// appData/productName), so the command line finds the same ledger and settings as the app.

export const PRODUCT_NAME = 'Kling Studio'

type Env = Record<string, string | undefined>

export function defaultDataDir(
  env: Env = process.env,
  platform = process.platform,
  home = homedir(),
): string {
  if (env.KLING_STUDIO_DATA_DIR) return env.KLING_STUDIO_DATA_DIR
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', PRODUCT_NAME)
  if (platform === 'win32')
    return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), PRODUCT_NAME)
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), PRODUCT_NAME)
}

/** The library's default: a "Kling Studio" folder in the person's videos folder. */
export function defaultLibraryDir(
  env: Env = process.env,
  platform = process.platform,
  home = homedir(),
): string {
  if (platform === 'darwin') return join(home, 'Movies', PRODUCT_NAME)
  if (platform === 'win32') return join(env.USERPROFILE ?? home, 'Videos', PRODUCT_NAME)
  return join(env.XDG_VIDEOS_DIR || join(home, 'Videos'), PRODUCT_NAME)
}

/**
 * The one rule for a library folder, for the app's settings and the command line alike: a folder
 * of its own, never a whole disk or the home folder (every file in it would become media the app
 * serves and rescans). Says why the folder is refused, or null when it may be the library.
 */
export function libraryFolderProblem(folder: string, home = homedir()): string | null {
  const at = resolve(folder)
  return parse(at).root === at || at === resolve(home)
    ? 'a folder of its own, not a whole disk or the home folder'
    : null
}

export const LEDGER_FILE = 'history.db'
export const SETTINGS_FILE = 'config.json'
