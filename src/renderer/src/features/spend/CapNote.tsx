import { checkBudget, type BudgetVerdict } from '../../../../shared/spend'
import { useT, type MessageKey } from '../../i18n'
import { useApp } from '../../stores/app'
import { useSpend } from '../../stores/spend'
import type { Refusal } from './gate'

// Said beside a paid button before it is pressed: this would pass a cap, so it will ask first.
// Worked out from the summary held and the caps in Settings, as the check on pressing is.

const NOTE: Record<Refusal['reason'], MessageKey> = {
  daily: 'spend.note.daily',
  monthly: 'spend.note.monthly',
  unknown: 'spend.note.unknown',
}

/** Whether adding these units passes a cap, as the window knows it now (ok while it cannot tell). */
export function useCapVerdict(adding: number | null): BudgetVerdict {
  const budget = useApp((s) => s.settings?.budget)
  const committed = useSpend((s) => s.summary?.committed)
  const sandbox = useApp((s) => s.info?.sandbox ?? false)
  if (!budget || !committed || sandbox) return { ok: true }
  return checkBudget(committed, adding, budget)
}

export function CapNote({ id, verdict }: { id: string; verdict: Refusal }): React.JSX.Element {
  const t = useT()
  return (
    <p id={id} className="cap-note">
      {t(NOTE[verdict.reason])}
    </p>
  )
}
