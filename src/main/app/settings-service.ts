import type { Handlers } from '../../shared/contract'
import type { Language } from '../../shared/language'
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings'
import { keyDestinationText } from '../../shared/system-text'
import type { Library } from '../library/library'
import { libraryFolderProblem } from '../paths'
import type { SettingsStore } from '../settings/settings-store'
import type { Ledger } from '../tasks/ledger'
import { CallError } from './call-error'
import type { DesktopActions } from './desktop'
import type { EmitFn, Runner } from './runner'

// Settings: read, and changed with what a change implies (the library folder applies at once,
// the engine moves to a new address). What the page may not decide alone is asked here: a new
// address for the key (in main's own dialog) and a library folder that is a whole disk.

export class SettingsService {
  constructor(
    private readonly o: {
      settings: SettingsStore
      library: Library
      ledger: Ledger
      runner: Runner
      actions: Pick<DesktopActions, 'confirm'>
      emit: EmitFn
      key: () => string | null
      language: () => Language
      defaultLibraryFolder: string
    },
  ) {}

  private async check(patch: Partial<Settings>): Promise<void> {
    // Whenever the address moves off CometAPI's own, the person confirms it, key or no key: a
    // key set later would otherwise go where nobody agreed it should.
    if (patch.baseUrl !== undefined) {
      const next = new URL(patch.baseUrl)
      const current = new URL(this.o.settings.get().baseUrl).origin
      if (next.origin !== current && next.origin !== new URL(DEFAULT_SETTINGS.baseUrl).origin) {
        if (!(await this.o.actions.confirm(keyDestinationText(next.host, this.o.language()))))
          throw new CallError('cancelled', `The API address was not changed to ${next.host}`)
      }
    }
    const problem = patch.libraryFolder ? libraryFolderProblem(patch.libraryFolder) : null
    if (problem) throw new CallError('invalid_input', `libraryFolder must be ${problem}`)
  }

  /** Tells the window when another process (the command line) changed the settings. */
  watchOthers(): () => void {
    return this.o.settings.watch?.((next) => this.o.emit('settings.changed', next)) ?? (() => {})
  }

  handlers(): Pick<Handlers, 'settings.get' | 'settings.update'> {
    const { settings, library, ledger, runner, emit } = this.o
    return {
      'settings.get': () => settings.get(),
      'settings.update': async (patch) => {
        await this.check(patch)
        const previous = settings.get().baseUrl
        const next = settings.update(patch)
        if (patch.concurrency !== undefined) runner.setConcurrency(next.concurrency)
        if (patch.libraryFolder !== undefined) {
          library.moveTo(next.libraryFolder ?? this.o.defaultLibraryFolder)
          ledger.addLibraryRoot(library.root)
        }
        if (next.baseUrl !== previous) await runner.addressChanged(previous)
        emit('settings.changed', next)
        return next
      },
    }
  }
}
