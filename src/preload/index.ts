import { contextBridge, ipcRenderer } from 'electron'
import { createBridge } from '../shared/bridge'
import { ipcTransport } from './transport'

// The page gets the contract as window.api: named functions and `on`, nothing else.
contextBridge.exposeInMainWorld('api', createBridge(ipcTransport(ipcRenderer)))
