import { useState } from 'react'
import { isAbsoluteFolder, type Settings } from '../../../../shared/settings'
import { api, call } from '../../api'
import { useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { noticeFrom } from '../../ui/errors'
import { saveSettings } from './save'

// The library folder, a row of the settings grid: typed (a whole path, or empty for the default)
// or picked with the system's folder picker; after saving, the field shows the folder main uses.

export function LibraryFolderField(): React.JSX.Element {
  const t = useT()
  const settings = useApp((s) => s.settings)
  const info = useApp((s) => s.info)
  const notify = useApp((s) => s.notify)
  const [library, setLibrary] = useState(settings?.libraryFolder ?? info?.libraryFolder ?? '')
  // Empty means the default folder; anything else must be a whole path.
  const libraryError = library.trim() !== '' && !isAbsoluteFolder(library.trim())

  const save = async (patch: Partial<Settings>) => {
    const saved = await saveSettings(patch, t)
    // The folder in use is main's to say (the default when none is set).
    if (saved && 'libraryFolder' in patch) {
      const now = useApp.getState()
      setLibrary(now.settings?.libraryFolder ?? now.info?.libraryFolder ?? '')
    }
  }
  const chooseFolder = async () => {
    try {
      const picked = await call(api().library.chooseFolder())
      if (picked) await save({ libraryFolder: picked })
    } catch (e) {
      notify(noticeFrom(e))
    }
  }

  return (
    <>
      <label htmlFor="library-folder">{t('settings.library')}</label>
      <div className="input-row">
        <input
          id="library-folder"
          type="text"
          value={library}
          onChange={(e) => setLibrary(e.target.value)}
          aria-describedby={libraryError ? 'library-error library-help' : 'library-help'}
          aria-invalid={libraryError ? true : undefined}
        />
        <button
          type="button"
          disabled={libraryError}
          onClick={() => void save({ libraryFolder: library.trim() || null })}
        >
          {t('common.save')}
        </button>
        <button type="button" onClick={() => void chooseFolder()}>
          {t('settings.chooseFolder')}
        </button>
      </div>
      {libraryError && (
        <p id="library-error" className="field-error under-control">
          {t('settings.libraryNotAbsolute', {
            example: info?.platform === 'win32' ? 'D:\\Videos\\Kling' : '/Users/ana/Movies/Kling',
          })}
        </p>
      )}
      <p id="library-help" className="help under-control">
        {t('settings.libraryHint')}
      </p>
    </>
  )
}
