import { useT } from '../../i18n'
import type { FieldHelp } from './field-help'
import { sentIdsText } from './external-id'
import { FieldError } from './FieldError'
import { newExternalId, type ComposeForm } from './form'

// What few people need, folded away: where the service posts status changes, and the task's own
// external id (made for each Generate; editable for someone who tracks tasks elsewhere), with
// the ids its takes will have.

interface Props {
  form: ComposeForm
  takes: number
  update(patch: Partial<ComposeForm>): void
  help: FieldHelp
}

export function AdvancedPanel({ form, takes, update, help }: Props): React.JSX.Element {
  const t = useT()
  const id = form.externalId.trim()
  const sent = id !== '' && !help.error('external_task_id') ? sentIdsText(id, takes) : null
  return (
    <details className="options advanced">
      <summary>{t('create.advanced')}</summary>
      <div className="field">
        <label htmlFor="callback">{t('compose.callback')}</label>
        <input
          id="callback"
          type="url"
          value={form.callback}
          onChange={(e) => update({ callback: e.target.value })}
          aria-describedby={help.describedBy('callback_url', 'callback-help')}
          aria-invalid={help.error('callback_url') ? true : undefined}
        />
        <p id="callback-help" className="help">
          {t('compose.callbackHelp')}
        </p>
        <FieldError help={help} field="callback_url" />
      </div>
      <div className="field">
        <label htmlFor="external">{t('compose.external')}</label>
        <div className="input-row">
          <input
            id="external"
            type="text"
            className="mono"
            value={form.externalId}
            onChange={(e) => update({ externalId: e.target.value })}
            aria-describedby={help.describedBy(
              'external_task_id',
              'external-help',
              ...(sent ? ['external-sent'] : []),
            )}
            aria-invalid={help.error('external_task_id') ? true : undefined}
          />
          <button type="button" onClick={() => update({ externalId: newExternalId() })}>
            {t('compose.newId')}
          </button>
        </div>
        <p id="external-help" className="help">
          {t('compose.externalHelp')}
        </p>
        {sent && (
          <p id="external-sent" className="help">
            {t('create.externalSent', { ids: sent })}
          </p>
        )}
        <FieldError help={help} field="external_task_id" />
      </div>
    </details>
  )
}
