import { contextBridge } from 'electron'

// The typed bridge arrives with the desktop-core issue; until then the page gets app facts only.
contextBridge.exposeInMainWorld('api', {
  version: process.versions.electron,
})
