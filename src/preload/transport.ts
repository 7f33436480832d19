import type { Transport } from '../shared/bridge'

/** The subset of Electron's ipcRenderer the bridge uses (kept electron-free for tests). */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown
}

/** The bridge over IPC. The IPC event object never reaches page code: only the payload does. */
export function ipcTransport(ipc: IpcRendererLike): Transport {
  return {
    invoke: (channel, input) => ipc.invoke(channel, input),
    subscribe: (channel, listener) => {
      const wrapped = (_event: unknown, payload: unknown) => listener(payload)
      ipc.on(channel, wrapped)
      return () => {
        ipc.removeListener(channel, wrapped)
      }
    },
  }
}
