import { readFile, rm, writeFile } from 'node:fs/promises'
import { safeStorage } from 'electron'
import type { SecretStore } from '../secrets/secret-store'

// The fallback when the OS keychain cannot be reached: the key encrypted by Electron's
// safeStorage, in a file in the app's data folder. Never plaintext: without encryption, nothing
// is stored.

export async function openSafeStorageStore(file: string): Promise<SecretStore | null> {
  if (!(await safeStorage.isAsyncEncryptionAvailable())) return null
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null
  const warning =
    backend === 'basic_text'
      ? 'Your API key is stored with Linux\'s "basic_text" backend, which only obscures it: anyone who can read your files can read the key. Install a keyring (GNOME Keyring or KWallet) to protect it.'
      : "The system keychain could not be reached, so your API key is kept encrypted in the app's data folder instead."
  return {
    kind: 'safe-storage',
    warning,
    get: async () => {
      try {
        const { result } = await safeStorage.decryptStringAsync(await readFile(file))
        return result || null
      } catch {
        return null
      }
    },
    set: async (secret) => {
      await writeFile(file, await safeStorage.encryptStringAsync(secret), { mode: 0o600 })
    },
    clear: async () => {
      await rm(file, { force: true })
    },
  }
}
