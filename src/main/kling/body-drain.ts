import type { DownloadBody } from './download-get'

// A response body read as fast as it arrives and written as fast as the disk takes it, with at
// most `ahead` bytes held between the two. Reading must not wait for writing: a body that fails
// (a connection dropped) may throw away whatever its reader had not yet taken, and those are
// bytes a resume would otherwise have to fetch again. The writer takes everything queued at once
// (one write call for many chunks: a 200 MB body is a few hundred writes, not thousands). What
// arrived before a failure is written first; then the failure is thrown.

export interface DrainOptions {
  /** Called for each chunk as it arrives; throwing stops the reading (a size cap). */
  take(chunk: Uint8Array): void
  /** Writes chunks in order, all that queued meanwhile; a failure stops reading and is thrown. */
  write(chunks: Uint8Array[], bytes: number): Promise<void>
  /** Bytes read but not yet written, at most (the reader waits beyond it). */
  ahead?: number
}

export async function drain(reader: DownloadBody, o: DrainOptions): Promise<void> {
  const ahead = o.ahead ?? 8 * 1024 * 1024
  let queue: Uint8Array[] = []
  /** Bytes read and not yet written: queued, or in the write under way. */
  let held = 0
  let finished = false
  let stopped = false
  let failure: { error: unknown } | null = null
  let wakeWriter: (() => void) | null = null
  let wakeReader: (() => void) | null = null
  const wake = (w: (() => void) | null) => w?.()

  const reading = (async () => {
    try {
      while (!stopped) {
        if (held >= ahead) {
          await new Promise<void>((r) => (wakeReader = r))
          continue
        }
        const value = await reader.read()
        if (value === null) break
        o.take(value)
        queue.push(value)
        held += value.length
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
      if (queue.length > 0) {
        const batch = queue
        queue = []
        let bytes = 0
        for (const chunk of batch) bytes += chunk.length
        await o.write(batch, bytes)
        reader.release?.(batch)
        held -= bytes
        wake(wakeReader)
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
