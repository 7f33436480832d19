import { join } from 'node:path'
import {
  dialog,
  Notification,
  shell,
  type BrowserWindow,
  type MessageBoxOptions,
  type OpenDialogOptions,
} from 'electron'
import type { DesktopActions } from '../app/desktop'

/**
 * What only the desktop can do: folders, the default player, drag-out, the trash, notifications,
 * the folder picker.
 */
export function desktopActions(
  window: () => BrowserWindow | null,
  resourcesDir: string,
  onShowJob: (id: string) => void,
): DesktopActions {
  const dragIcon = join(resourcesDir, 'drag-icon.png')
  return {
    reveal: (file) => shell.showItemInFolder(file),
    open: async (file) => {
      const error = await shell.openPath(file)
      if (error) throw new Error(error)
    },
    // Editors (Premiere, Resolve, CapCut) take a plain file drop: the OS drag carries the path.
    startDrag: (file) => window()?.webContents.startDrag({ file, icon: dragIcon }),
    trash: (file) => shell.trashItem(file),
    chooseFolder: async (current) => {
      const options: OpenDialogOptions = {
        defaultPath: current,
        properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
      }
      const w = window()
      const picked = w
        ? await dialog.showOpenDialog(w, options)
        : await dialog.showOpenDialog(options)
      return picked.canceled ? null : (picked.filePaths[0] ?? null)
    },
    chooseImage: async () => {
      const options: OpenDialogOptions = {
        properties: ['openFile'],
        filters: [{ name: 'Images', extensions: ['png', 'jpg', 'jpeg'] }],
      }
      const w = window()
      const picked = w
        ? await dialog.showOpenDialog(w, options)
        : await dialog.showOpenDialog(options)
      return picked.canceled ? null : (picked.filePaths[0] ?? null)
    },
    confirm: async ({ title, message, detail, confirm, cancel }) => {
      const options: MessageBoxOptions = {
        type: 'warning',
        title,
        message,
        detail,
        buttons: [cancel, confirm],
        defaultId: 0,
        cancelId: 0,
        noLink: true,
      }
      const w = window()
      const answer = w
        ? await dialog.showMessageBox(w, options)
        : await dialog.showMessageBox(options)
      return answer.response === 1
    },
    notify: ({ jobId, title, body }) => {
      const w = window()
      if (!Notification.isSupported() || (w && w.isFocused())) return
      const n = new Notification({ title, body })
      n.on('click', () => {
        const target = window()
        if (target) {
          if (target.isMinimized()) target.restore()
          target.show()
          target.focus()
        }
        onShowJob(jobId)
      })
      n.show()
    },
  }
}
