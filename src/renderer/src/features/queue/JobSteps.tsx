import type { Job } from '../../../../shared/jobs'
import { useT } from '../../i18n'
import { STEPS } from './queue-model'

// A job's steps in a row: those behind it, the one it is at (marked for screen readers too), and
// those ahead.

export function JobSteps({ state }: { state: Job['state'] }): React.JSX.Element {
  const t = useT()
  const current = STEPS.findIndex((s) => s.states.includes(state))
  return (
    <ol className="steps" aria-label={t(`state.${state}`)}>
      {STEPS.map((s, i) => (
        <li
          key={s.key}
          className={i < current ? 'step past' : i === current ? 'step current' : 'step'}
          aria-current={i === current ? 'step' : undefined}
        >
          {t(s.key)}
        </li>
      ))}
    </ol>
  )
}
