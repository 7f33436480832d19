import { join } from 'node:path'
import { Notification, shell, type BrowserWindow } from 'electron'
import type { DesktopActions } from '../app/app-core'

/** What only the desktop can do: folders, the default player, drag-out, the trash, notifications. */
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
    notify: (job) => {
      const w = window()
      if (!Notification.isSupported() || (w && w.isFocused())) return
      const title =
        job.state === 'done'
          ? 'Video ready'
          : job.state === 'failed'
            ? 'Generation failed'
            : 'Generation ended'
      const prompt =
        job.request.prompt.length > 80 ? `${job.request.prompt.slice(0, 79)}…` : job.request.prompt
      const n = new Notification({
        title,
        body: job.statusMessage ? `${prompt}\n${job.statusMessage}` : prompt,
      })
      n.on('click', () => {
        const target = window()
        if (target) {
          if (target.isMinimized()) target.restore()
          target.show()
          target.focus()
        }
        onShowJob(job.id)
      })
      n.show()
    },
  }
}
