import type { Settings } from '../../../../shared/settings'
import { api, call } from '../../api'
import type { Translate } from '../../i18n'
import { useApp } from '../../stores/app'
import { noticeFrom } from '../../ui/errors'

// One settings change: sent to main, which answers with the settings as they now are; the notice
// bar says it was saved, or why not. Answers whether it was saved.

export async function saveSettings(patch: Partial<Settings>, t: Translate): Promise<boolean> {
  const { notify, set } = useApp.getState()
  try {
    const next = await call(api().settings.update(patch))
    set({ settings: next })
    // What follows from a change is main's to say: the folder in use, whether sandbox is on.
    if ('libraryFolder' in patch || 'sandboxMode' in patch)
      set({ info: await call(api().app.info()) })
    notify({ kind: 'info', text: t('settings.saved') })
    return true
  } catch (e) {
    notify(noticeFrom(e))
    return false
  }
}
