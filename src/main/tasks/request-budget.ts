// One budget for every request the tracker makes, so a batch of a hundred tasks polls at a steady
// rate instead of provoking 429 storms. A token bucket: `perSecond` on average, bursts up to
// `burst`.

export class RequestBudget {
  private tokens: number
  private last: number

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number,
  ) {
    this.tokens = burst
    this.last = now()
  }

  private refill(): void {
    const t = this.now()
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.perSecond)
    this.last = t
  }

  /** Takes a token if one is free; otherwise says how long until one is. */
  take(): { ok: true } | { ok: false; waitMs: number } {
    this.refill()
    if (this.tokens >= 1) {
      this.tokens -= 1
      return { ok: true }
    }
    return { ok: false, waitMs: Math.ceil(((1 - this.tokens) / this.perSecond) * 1000) }
  }
}
