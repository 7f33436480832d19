import { startEmulator } from '../../emulator/server'
import { parseNumberFlag, UsageError } from '../args'
import { parse, str } from '../flags'
import { EXIT, type CliIo } from '../output'

// kling-studio emulator: the local CometAPI-compatible server, on loopback, for trying things
// without a key and for tests.

export async function emulator(io: CliIo, args: string[], signal?: AbortSignal): Promise<number> {
  const { flags } = parse(args, {
    json: { type: 'boolean' },
    port: { type: 'string' },
    host: { type: 'string' },
    'time-scale': { type: 'string' },
    'fault-rate': { type: 'string' },
    seed: { type: 'string' },
    key: { type: 'string' },
    'download-kbps': { type: 'string' },
  })
  const kbps = parseNumberFlag('--download-kbps', str(flags, 'download-kbps'), {
    min: 1,
    max: 10_000_000,
  })
  const port = parseNumberFlag('--port', str(flags, 'port'), { min: 0, max: 65535, integer: true })
  const timeScale = parseNumberFlag('--time-scale', str(flags, 'time-scale'), {
    min: 0.001,
    max: 1_000_000,
  })
  const faultRate = parseNumberFlag('--fault-rate', str(flags, 'fault-rate'), { min: 0, max: 1 })
  const seed = parseNumberFlag('--seed', str(flags, 'seed'), {
    min: 0,
    max: 2 ** 32 - 1,
    integer: true,
  })
  const key = str(flags, 'key')
  if (key !== undefined && key.trim() === '') throw new UsageError('--key must not be empty')
  const host = str(flags, 'host') ?? '127.0.0.1'
  const server = await startEmulator({
    port,
    host,
    timeScale,
    faultRate,
    seed,
    key,
    downloadBytesPerSecond: kbps === undefined ? undefined : kbps * 1000,
  })
  io.stdout(
    flags.json === true
      ? `${JSON.stringify({ url: server.url })}\n`
      : `Kling emulator listening on ${server.url}\n`,
  )
  await new Promise<void>((done) => {
    if (signal?.aborted) done()
    signal?.addEventListener('abort', () => done(), { once: true })
  })
  await server.close()
  return EXIT.done
}
