// At most n of some work at once (ffmpeg runs, file reads), the rest waiting their turn in order.

export type Limit = <T>(work: () => Promise<T>) => Promise<T>

export function limit(n: number): Limit {
  let running = 0
  const waiting: (() => void)[] = []
  return async (work) => {
    // A finished run hands its place straight to the next in line, so none can slip in between.
    if (running >= n) await new Promise<void>((go) => waiting.push(go))
    else running++
    try {
      return await work()
    } finally {
      const go = waiting.shift()
      if (go) go()
      else running--
    }
  }
}
