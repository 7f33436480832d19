import { seededRandom } from '../../shared/seeded-random'

// How the emulator misbehaves on purpose, so clients are tested against what a real gateway does:
// rate limits, too many parallel tasks, 5xx, dropped connections before and after a create, slow
// and malformed answers.

/** What a plan draws from when none is named: unchanged, so a seed replays as it always did. */
export const DEFAULT_FAULT_KINDS = [
  'rate_limit',
  'server_500',
  'server_503',
  'server_504',
  'reset_before_create',
  'reset_after_create',
  'slow',
  'malformed',
] as const

export const FAULT_KINDS = [
  ...DEFAULT_FAULT_KINDS,
  // HTTP 429 with business code 1303 to a create, which creates nothing (a query answers as usual).
  'parallel_limit',
] as const
export type FaultKind = (typeof FAULT_KINDS)[number]

/**
 * Decides, request by request, whether and how to misbehave. Seeded, so a failing run can be
 * replayed; one draw sequence for the whole server, in the order requests arrive.
 */
export class FaultPlan {
  private readonly random: () => number
  private malformedTurn = 0

  constructor(
    private rate: number,
    private kinds: readonly FaultKind[],
    seed: number,
  ) {
    this.random = seededRandom(seed ^ 0x5eed)
  }

  /** Changes the plan while the server runs (tests that script a scenario step by step). */
  configure(rate: number, kinds: readonly FaultKind[] = this.kinds): void {
    this.rate = rate
    this.kinds = kinds
  }

  /** The fault for the next request, or null for a normal answer. */
  next(): FaultKind | null {
    if (this.rate <= 0 || this.kinds.length === 0) return null
    if (this.random() >= this.rate) return null
    return this.kinds[Math.floor(this.random() * this.kinds.length)] ?? null
  }

  /** Malformed answers take turns: truncated JSON, an HTML gateway page, an empty body. */
  nextMalformed(): 'truncated' | 'html' | 'empty' {
    const shapes = ['truncated', 'html', 'empty'] as const
    return shapes[this.malformedTurn++ % shapes.length]!
  }
}
