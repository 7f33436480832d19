import { charCount, LIMITS } from '../../../../shared/kling'
import { useT } from '../../i18n'
import type { FieldHelp } from './field-help'
import { FieldError } from './FieldError'
import type { ComposeForm } from './form'
import { RecentPrompts } from './RecentPrompts'

// The prompt (counted live, as a person counts characters, with the earlier prompts under it)
// and the negative prompt.

interface Props {
  form: ComposeForm
  update(patch: Partial<ComposeForm>): void
  help: FieldHelp
  /** Whether the kind needs a prompt (image-to-video does not). */
  required: boolean
}

export function PromptFields({ form, update, help, required }: Props): React.JSX.Element {
  const t = useT()
  const promptCount = charCount(form.prompt)
  const negativeCount = charCount(form.negative)

  return (
    <>
      <div className="field">
        <div className="label-row">
          <label htmlFor="prompt">{t('compose.prompt')}</label>
          <span
            id="prompt-count"
            className={promptCount > LIMITS.promptMax ? 'counter over' : 'counter'}
            aria-live="polite"
          >
            {t('compose.count', { n: promptCount, max: LIMITS.promptMax })}
          </span>
        </div>
        <textarea
          id="prompt"
          rows={4}
          value={form.prompt}
          required={required}
          placeholder={t('compose.promptPlaceholder')}
          onChange={(e) => update({ prompt: e.target.value })}
          aria-invalid={help.error('prompt') ? true : undefined}
          aria-describedby={help.describedBy('prompt', 'prompt-count')}
        />
        <FieldError help={help} field="prompt" />
        <RecentPrompts use={(prompt) => update({ prompt })} />
      </div>
      <div className="field">
        <div className="label-row">
          <label htmlFor="negative">{t('compose.negative')}</label>
          <span
            id="negative-count"
            className={negativeCount > LIMITS.negativePromptMax ? 'counter over' : 'counter'}
          >
            {t('compose.count', { n: negativeCount, max: LIMITS.negativePromptMax })}
          </span>
        </div>
        <input
          id="negative"
          type="text"
          value={form.negative}
          placeholder={t('compose.negativePlaceholder')}
          onChange={(e) => update({ negative: e.target.value })}
          aria-invalid={help.error('negative_prompt') ? true : undefined}
          aria-describedby={help.describedBy('negative_prompt', 'negative-count')}
        />
        <FieldError help={help} field="negative_prompt" />
      </div>
    </>
  )
}
