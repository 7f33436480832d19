import { findModel } from '../../../../shared/kling'
import type { Budget } from '../../../../shared/settings'
import type { ModelSpend } from '../../../../shared/spend'
import { useLanguage, useT } from '../../i18n'
import { moneyText, unitsText } from './money'

// This month's units by model, most first: the model's name as the pickers say it, its share as
// a bar, its units (and money), and how many videos made them.

export function ModelList({
  models,
  budget,
}: {
  models: ModelSpend[]
  budget: Budget
}): React.JSX.Element {
  const t = useT()
  const language = useLanguage((s) => s.language)
  const most = Math.max(0, ...models.map((m) => m.units))
  return (
    <section className="card spend-models" aria-labelledby="spend-models-title">
      <h2 id="spend-models-title">{t('spend.models.title')}</h2>
      {models.length === 0 ? (
        <p className="muted">{t('spend.models.none')}</p>
      ) : (
        <ol className="model-spend">
          {models.map((m) => {
            const money = moneyText(m.units, budget, language)
            return (
              <li key={m.model}>
                <span className="model-name">{findModel(m.model)?.label ?? m.model}</span>
                <span className="model-bar" aria-hidden="true">
                  <span style={{ width: `${most > 0 ? (m.units / most) * 100 : 0}%` }} />
                </span>
                <span className="model-units">
                  {unitsText(t, m.units, language)}
                  {money && <span className="muted"> · {money}</span>}
                </span>
                <span className="model-tasks muted">
                  {m.tasks === 1
                    ? t('spend.models.videoOne')
                    : t('spend.models.videos', { n: m.tasks })}
                </span>
              </li>
            )
          })}
        </ol>
      )}
    </section>
  )
}
