import type { Handlers } from '../../shared/contract'
import type { VideoKind, VideoRequest } from '../../shared/kling'
import { overBudgetMessage } from '../../shared/spend'
import type { SettingsStore } from '../settings/settings-store'
import type { Ledger } from '../tasks/ledger'
import { generateVerdict, spendSummary } from '../tasks/ledger-spend'
import { CallError } from './call-error'

// Money for the window: the spend summary, and the guard every paid Generate (create, extend,
// rerun) runs inside the write that adds its jobs. The cap decides only at Generate: jobs already
// written or sent are never held back, and sandbox jobs are free, never capped, never counted.

/** One Generate as the guard sees it. */
export interface PaidGenerate {
  kind: VideoKind
  request: VideoRequest
  takes: number
  /** For an extension: the job it extends (it is priced by the root of that chain). */
  parentJobId: string | null
  sandbox: boolean
  /** The person chose to pass a cap for this Generate. */
  overBudget: boolean
}

export class SpendService {
  constructor(
    private readonly o: {
      ledger: Ledger
      settings: Pick<SettingsStore, 'get'>
      now?: () => number
    },
  ) {}

  private now(): number {
    return (this.o.now ?? Date.now)()
  }

  /**
   * The check to run in the same write as the Generate's jobs (undefined: none applies). It throws
   * CallError('over_budget') when the caps refuse: charged and pending in the period, plus this
   * Generate's estimate, would go above a cap, or a cap is set and the cost is unknown.
   */
  guard(g: PaidGenerate): (() => void) | undefined {
    if (g.sandbox || g.overBudget) return undefined
    const { ledger, settings } = this.o
    return () => {
      const verdict = generateVerdict(ledger, settings.get().budget, g, this.now())
      if (!verdict.ok) throw new CallError('over_budget', overBudgetMessage(verdict))
    }
  }

  handlers(): Pick<Handlers, 'spend.summary'> {
    return {
      'spend.summary': () => spendSummary(this.o.ledger, this.o.settings.get().budget, this.now()),
    }
  }
}
