// A response body read as fast as it arrives and written as fast as the disk takes it, with at
// most `ahead` bytes held between the two. Reading must not wait for writing: a web stream that
// fails (a connection dropped) throws away whatever its reader had not yet taken, and those are
// bytes a resume would otherwise have to fetch again. What arrived before a failure is written
// first; then the failure is thrown.

export interface DrainOptions {
  /** Called for each chunk as it arrives; throwing stops the reading (a size cap). */
  take(chunk: Uint8Array): void
  /** Writes one chunk; a failure stops the reading and is thrown. */
  write(chunk: Uint8Array): Promise<void>
  /** Bytes read but not yet written, at most (the reader waits beyond it). */
  ahead?: number
}

export async function drain(body: ReadableStream<Uint8Array>, o: DrainOptions): Promise<void> {
  const ahead = o.ahead ?? 8 * 1024 * 1024
  const reader = body.getReader()
  const queue: Uint8Array[] = []
  let queued = 0
  let finished = false
  let stopped = false
  let failure: { error: unknown } | null = null
  let wakeWriter: (() => void) | null = null
  let wakeReader: (() => void) | null = null
  const wake = (w: (() => void) | null) => w?.()

  const reading = (async () => {
    try {
      while (!stopped) {
        if (queued >= ahead) {
          await new Promise<void>((r) => (wakeReader = r))
          continue
        }
        const { value, done } = await reader.read()
        if (done) break
        o.take(value)
        queue.push(value)
        queued += value.length
        wake(wakeWriter)
      }
    } catch (error) {
      failure ??= { error }
      await reader.cancel().catch(() => {})
    } finally {
      finished = true
      wake(wakeWriter)
    }
  })()

  try {
    for (;;) {
      const chunk = queue.shift()
      if (chunk) {
        queued -= chunk.length
        wake(wakeReader)
        await o.write(chunk)
      } else if (finished) break
      else await new Promise<void>((r) => (wakeWriter = r))
    }
  } catch (error) {
    // The disk failed: no more reading.
    stopped = true
    wake(wakeReader)
    await reader.cancel().catch(() => {})
    await reading
    throw error
  }
  await reading
  if (failure) throw (failure as { error: unknown }).error
}
