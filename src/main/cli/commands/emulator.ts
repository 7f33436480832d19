import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DIALECTS, startEmulator, type DialectName, type Emulator } from '../../emulator/server'
import { LEDGER_FILE, SETTINGS_FILE } from '../../paths'
import { JsonSettingsStore } from '../../settings/settings-store'
import { parseNumberFlag, UsageError } from '../args'
import { parse, shellLine, str } from '../flags'
import { EXIT, type CliIo } from '../output'

// kling-studio emulator: the local CometAPI-compatible server, on loopback, for trying things
// without a key and for tests; --dialect makes it answer as another gateway does. It makes a data folder of its own (history, settings naming this
// address, a library inside it) and prints a command that uses it, so trying the emulator never
// writes into the person's real history or library. The folder goes when the emulator stops,
// unless jobs were made in it.

export async function emulator(io: CliIo, args: string[], signal?: AbortSignal): Promise<number> {
  const { flags } = parse(
    args,
    {
      json: { type: 'boolean' },
      port: { type: 'string' },
      host: { type: 'string' },
      'time-scale': { type: 'string' },
      'fault-rate': { type: 'string' },
      seed: { type: 'string' },
      key: { type: 'string' },
      'download-kbps': { type: 'string' },
      dialect: { type: 'string' },
    },
    'emulator',
  )
  const dialect = str(flags, 'dialect')
  if (dialect !== undefined && !(DIALECTS as readonly string[]).includes(dialect))
    throw new UsageError(`--dialect must be one of ${DIALECTS.join(', ')}`)
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
  let server: Emulator
  try {
    server = await startEmulator({
      port,
      host,
      timeScale,
      faultRate,
      seed,
      key,
      dialect: dialect as DialectName | undefined,
      downloadBytesPerSecond: kbps === undefined ? undefined : kbps * 1000,
    })
  } catch (error) {
    throw listenError(error, host, port ?? 0)
  }
  const data = await ownDataFolder(loopbackUrl(server.url))
  try {
    if (flags.json === true) io.stdout(`${JSON.stringify({ url: server.url, data })}\n`)
    else {
      io.stdout(`Kling emulator listening on ${server.url}\n`)
      io.stdout(
        `Try it from another terminal, with a history and library of its own in ${data} (not your real ones):\n  ${example(loopbackUrl(server.url), data, key)}\n`,
      )
    }
    await new Promise<void>((done) => {
      if (signal?.aborted) done()
      signal?.addEventListener('abort', () => done(), { once: true })
    })
  } finally {
    await server.close()
    if (!existsSync(join(data, LEDGER_FILE))) await rm(data, { recursive: true, force: true })
  }
  return EXIT.done
}

/** Why the server could not listen, said plainly: a usage error (exit 2), not a stack trace. */
function listenError(error: unknown, host: string, port: number): unknown {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return new UsageError(
        `port ${port} is in use on ${host} (another emulator?): stop what uses it, or choose another port with --port N (--port 0 takes a free one)`,
      )
    case 'EACCES':
      return new UsageError(
        `port ${port} on ${host} needs privileges this user lacks: choose a port above 1023, or --port 0`,
      )
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new UsageError(`--host ${host} is not an address of this computer`)
    default:
      return error
  }
}

/** The address to give a client: a server on every interface is reached on loopback. */
function loopbackUrl(url: string): string {
  return url.replace(/^http:\/\/(0\.0\.0\.0|\[::\])(?=:)/, 'http://127.0.0.1')
}

/** A fresh folder whose settings send jobs here and keep their videos inside it. */
async function ownDataFolder(url: string): Promise<string> {
  const data = await mkdtemp(join(tmpdir(), 'kling-emulator-'))
  new JsonSettingsStore(join(data, SETTINGS_FILE)).update({
    baseUrl: url,
    libraryFolder: join(data, 'library'),
  })
  return data
}

/** One command to paste: a throwaway key (not --key's, which is not printed), this folder, this address. */
function example(url: string, data: string, key: string | undefined): string {
  const command = shellLine([
    'kling-studio',
    'generate',
    'A lighthouse at dusk',
    '--data',
    data,
    '--base-url',
    url,
    '--wait',
  ])
  const k = key === undefined ? 'emulator' : "'<the --key value>'"
  return process.platform === 'win32'
    ? `$env:COMETAPI_KEY=${k === 'emulator' ? "'emulator'" : k}; ${command}`
    : `COMETAPI_KEY=${k} ${command}`
}
