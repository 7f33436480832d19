import { useT } from '../../i18n'

// The composer's title, and New draft beside it.

export function ComposeHead({ onNewDraft }: { onNewDraft(): void }): React.JSX.Element {
  const t = useT()
  return (
    <div className="composer-head">
      <h1 id="compose-title" tabIndex={-1}>
        {t('compose.title')}
      </h1>
      <button
        type="button"
        className="ghost small"
        title={t('create.newDraftHelp')}
        onClick={onNewDraft}
      >
        {t('create.newDraft')}
      </button>
    </div>
  )
}
