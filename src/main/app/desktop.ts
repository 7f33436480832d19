import type { ConfirmText, NotificationText } from '../../shared/system-text'
import type { Job } from '../../shared/jobs'
import type { JobRecord } from '../tasks/ledger'

// What only the desktop can do, as a port: the app passes Electron's (platform/desktop-actions),
// tests pass recorders. And the one rule of what the window may see of a job: no file path.

export interface DesktopActions {
  reveal(file: string): void
  open(file: string): Promise<void>
  startDrag(file: string): void
  trash(file: string): Promise<void>
  /** A system notification, already in the person's language. */
  notify(note: NotificationText): void
  /**
   * The OS folder picker, opened at `current`, for the library folder or for an export; null when
   * the person cancels.
   */
  chooseFolder(current: string, purpose?: 'library' | 'export'): Promise<string | null>
  /** The OS file picker for a JPG or PNG image; null when the person cancels. */
  chooseImage(): Promise<string | null>
  /** A question only main can ask (the page cannot answer it for the person); true to go on. */
  confirm(text: ConfirmText): Promise<boolean>
}

/** The job as the window may see it: no file path. */
export function publicJob(job: JobRecord): Job {
  const { file: _file, ...rest } = job
  return rest
}
