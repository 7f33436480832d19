import { mkdir } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { validateRequest, type KlingTask } from '../../shared/kling'
import { DEFAULT_BASE_URL, KlingClient } from '../kling/client'
import { downloadFile } from '../kling/download'
import { KlingApiError } from '../kling/errors'
import { startEmulator } from '../emulator/server'
import {
  describeFieldErrors,
  numberOrRaw,
  parseCameraFlag,
  parseDuration,
  parseNumberFlag,
  UsageError,
} from './args'
import {
  describeTask,
  errorJson,
  EXIT,
  exitCodeFor,
  StatusLine,
  taskJson,
  type CliIo,
} from './output'

const HELP = `kling-studio: Kling text-to-video through CometAPI, from the command line

Usage:
  kling-studio generate <prompt> [--negative-prompt T] [--aspect-ratio R] [--duration 5|10]
                        [--mode std|pro] [--model NAME] [--cfg-scale 0..1]
                        [--camera PRESET | --camera simple:AXIS=VALUE] [--callback-url URL]
                        [--external-task-id ID] [--wait] [--timeout 30m] [--out FILE] [--json]
  kling-studio status <task-id> [--json]
  kling-studio status --external-task-id ID [--json]
  kling-studio wait <task-id> [--timeout 30m] [--out FILE] [--json]
  kling-studio download <task-id> --out FILE [--json]
  kling-studio emulator [--port N] [--time-scale X] [--fault-rate X] [--seed N] [--key K]

Every command that talks to the API takes --base-url URL (or COMETAPI_BASE_URL; default
${DEFAULT_BASE_URL}) and reads the key from COMETAPI_KEY.

Exit codes: 0 done, 1 the task failed, 2 bad usage or invalid input, 3 an API error,
4 network or timeout.
`

const COMMON = {
  json: { type: 'boolean' },
  'base-url': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options']

const WAITING = {
  ...COMMON,
  out: { type: 'string', short: 'o' },
  timeout: { type: 'string' },
} as const satisfies ParseArgsConfig['options']

const DEFAULT_WAIT_TIMEOUT_MS = 30 * 60_000

type Flags = Record<string, string | boolean | undefined>

function parse(
  args: string[],
  options: ParseArgsConfig['options'],
): { flags: Flags; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args,
      options,
      allowPositionals: true,
      strict: true,
    })
    return { flags: values as Flags, positionals }
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
}

const str = (flags: Flags, name: string): string | undefined => {
  const v = flags[name]
  return typeof v === 'string' ? v : undefined
}

class Command {
  constructor(
    readonly io: CliIo,
    readonly flags: Flags,
    readonly signal?: AbortSignal,
  ) {}

  get json(): boolean {
    return this.flags.json === true
  }

  client(): KlingClient {
    const apiKey = this.io.env.COMETAPI_KEY
    if (!apiKey) throw new UsageError('COMETAPI_KEY is not set: export your CometAPI key first')
    const baseUrl = str(this.flags, 'base-url') ?? this.io.env.COMETAPI_BASE_URL ?? DEFAULT_BASE_URL
    try {
      const url = new URL(baseUrl)
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error()
    } catch {
      throw new UsageError(`--base-url must be an http(s) URL (got "${baseUrl}")`)
    }
    return new KlingClient({
      baseUrl,
      apiKey,
      onRetry: (e) => {
        if (!this.json) this.io.stderr(`${e.what}: ${e.error.describe()}; retrying\n`)
      },
    })
  }

  timeoutMs(): number {
    const raw = str(this.flags, 'timeout')
    return raw === undefined ? DEFAULT_WAIT_TIMEOUT_MS : parseDuration('--timeout', raw)
  }

  printTask(task: KlingTask, extra: Record<string, unknown> = {}): void {
    if (this.json) this.io.stdout(`${taskJson(task, extra)}\n`)
    else {
      this.io.stdout(`${describeTask(task)}\n`)
      if (typeof extra.file === 'string') this.io.stdout(`Saved to ${extra.file}\n`)
    }
  }

  async waitAndSave(
    client: KlingClient,
    task: KlingTask,
    out: string | undefined,
  ): Promise<number> {
    const line = new StatusLine(this.io, `Task ${task.task_id}`)
    let final: KlingTask
    try {
      line.update(task.task_status)
      final = await client.wait(task.task_id, {
        timeoutMs: this.timeoutMs(),
        signal: this.signal,
        onUpdate: (t) => line.update(t.task_status),
      })
      if (final.task_status === 'succeed' && out) {
        line.update('downloading')
        await this.save(final, out, (received, total) =>
          line.update(
            'downloading',
            total ? `${Math.floor((received / total) * 100)}%` : `${received} bytes`,
          ),
        )
      }
    } catch (error) {
      if (error instanceof KlingApiError && error.kind === 'aborted') {
        throw new KlingApiError({
          kind: 'aborted',
          message: `Stopped waiting; task ${task.task_id} goes on on the server (kling-studio wait ${task.task_id})`,
        })
      }
      throw error
    } finally {
      line.stop()
    }
    return this.finish(final, out)
  }

  async save(
    task: KlingTask,
    out: string,
    progress?: (received: number, total: number | null) => void,
  ): Promise<string> {
    const video = task.videos[0]
    if (!video)
      throw new KlingApiError({
        kind: 'unreadable_response',
        message: `task ${task.task_id} has no video`,
      })
    const dest = resolve(out)
    await mkdir(dirname(dest), { recursive: true })
    await downloadFile({
      url: video.url,
      dest,
      signal: this.signal,
      onProgress: (p) => progress?.(p.received, p.total),
    })
    return dest
  }

  finish(task: KlingTask, out: string | undefined): number {
    const saved = task.task_status === 'succeed' && out ? { file: resolve(out) } : {}
    this.printTask(task, saved)
    if (task.task_status === 'failed') {
      if (!this.json)
        this.io.stderr(
          `The task failed${task.task_status_msg ? `: ${task.task_status_msg}` : ''}\n`,
        )
      return EXIT.taskFailed
    }
    return EXIT.done
  }
}

async function generate(io: CliIo, args: string[], signal?: AbortSignal): Promise<number> {
  const { flags, positionals } = parse(args, {
    ...WAITING,
    wait: { type: 'boolean' },
    'negative-prompt': { type: 'string' },
    'aspect-ratio': { type: 'string' },
    duration: { type: 'string' },
    mode: { type: 'string' },
    model: { type: 'string' },
    'cfg-scale': { type: 'string' },
    camera: { type: 'string' },
    'callback-url': { type: 'string' },
    'external-task-id': { type: 'string' },
  })
  if (positionals.length !== 1) throw new UsageError('generate takes exactly one prompt (quote it)')
  const cmd = new Command(io, flags, signal)
  const input: Record<string, unknown> = { prompt: positionals[0] }
  const set = (field: string, value: unknown) => {
    if (value !== undefined) input[field] = value
  }
  set('negative_prompt', str(flags, 'negative-prompt'))
  set('aspect_ratio', str(flags, 'aspect-ratio'))
  set('duration', str(flags, 'duration'))
  set('mode', str(flags, 'mode'))
  set('model_name', str(flags, 'model'))
  const cfg = str(flags, 'cfg-scale')
  set('cfg_scale', cfg === undefined ? undefined : numberOrRaw(cfg))
  const camera = str(flags, 'camera')
  set('camera_control', camera === undefined ? undefined : parseCameraFlag(camera))
  set('callback_url', str(flags, 'callback-url'))
  set('external_task_id', str(flags, 'external-task-id'))
  const checked = validateRequest(input)
  if (!checked.ok) throw new UsageError(describeFieldErrors(checked.errors))
  const out = str(flags, 'out')
  cmd.timeoutMs() // a bad --timeout is a usage error before anything is paid for

  const client = cmd.client()
  const created = await client.create(checked.value, { signal })
  if (!cmd.json) {
    io.stderr(
      `Created task ${created.task.task_id} (external id ${created.externalTaskId}${created.reconciled ? ', confirmed after a lost answer' : ''})\n`,
    )
  }
  if (flags.wait !== true && !out) {
    cmd.printTask({
      ...created.task,
      external_task_id: created.task.external_task_id ?? created.externalTaskId,
    })
    return EXIT.done
  }
  return cmd.waitAndSave(client, created.task, out)
}

async function status(io: CliIo, args: string[], signal?: AbortSignal): Promise<number> {
  const { flags, positionals } = parse(args, { ...COMMON, 'external-task-id': { type: 'string' } })
  const cmd = new Command(io, flags)
  const external = str(flags, 'external-task-id')
  if ((external === undefined) === (positionals.length === 0) || positionals.length > 1) {
    throw new UsageError('status takes a task id, or --external-task-id ID')
  }
  const client = cmd.client()
  let task: KlingTask | null
  if (external !== undefined) {
    task = await client.findByExternalId(external, { signal })
    if (!task)
      throw new KlingApiError({ kind: 'not_found', message: `No task has external id ${external}` })
  } else task = await client.getTask(positionals[0]!, { signal })
  cmd.printTask(task)
  return task.task_status === 'failed' ? EXIT.taskFailed : EXIT.done
}

async function wait(io: CliIo, args: string[], signal?: AbortSignal): Promise<number> {
  const { flags, positionals } = parse(args, WAITING)
  if (positionals.length !== 1) throw new UsageError('wait takes one task id')
  const cmd = new Command(io, flags, signal)
  cmd.timeoutMs()
  const client = cmd.client()
  const task = await client.getTask(positionals[0]!, { signal })
  return cmd.waitAndSave(client, task, str(flags, 'out'))
}

async function download(io: CliIo, args: string[], signal?: AbortSignal): Promise<number> {
  const { flags, positionals } = parse(args, { ...COMMON, out: { type: 'string', short: 'o' } })
  const out = str(flags, 'out')
  if (positionals.length !== 1 || !out)
    throw new UsageError('download takes one task id and --out FILE')
  const cmd = new Command(io, flags, signal)
  const task = await cmd.client().getTask(positionals[0]!, { signal })
  if (task.task_status === 'failed') return cmd.finish(task, undefined)
  if (task.task_status !== 'succeed') {
    throw new KlingApiError({
      kind: 'not_found',
      message: `Task ${task.task_id} is ${task.task_status}: there is no video yet (use "wait")`,
      requestId: task.request_id,
    })
  }
  const line = new StatusLine(io, `Task ${task.task_id}`)
  try {
    await cmd.save(task, out, (received, total) =>
      line.update(
        'downloading',
        total ? `${Math.floor((received / total) * 100)}%` : `${received} bytes`,
      ),
    )
  } finally {
    line.stop()
  }
  return cmd.finish(task, out)
}

async function emulator(io: CliIo, args: string[], signal?: AbortSignal): Promise<number> {
  const { flags } = parse(args, {
    json: { type: 'boolean' },
    port: { type: 'string' },
    host: { type: 'string' },
    'time-scale': { type: 'string' },
    'fault-rate': { type: 'string' },
    seed: { type: 'string' },
    key: { type: 'string' },
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
  const server = await startEmulator({ port, host, timeScale, faultRate, seed, key })
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

/** Runs one command line; resolves the exit code. Never throws. */
export async function runCli(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const [command, ...rest] = argv
  const json = rest.includes('--json')
  try {
    if (
      command === undefined ||
      command === 'help' ||
      command === '--help' ||
      command === '-h' ||
      rest.includes('--help') ||
      rest.includes('-h')
    ) {
      io.stdout(HELP)
      return command === undefined ? EXIT.usage : EXIT.done
    }
    switch (command) {
      case 'generate':
        return await generate(io, rest, signal)
      case 'status':
        return await status(io, rest, signal)
      case 'wait':
        return await wait(io, rest, signal)
      case 'download':
        return await download(io, rest, signal)
      case 'emulator':
        return await emulator(io, rest, signal)
      default:
        throw new UsageError(`unknown command "${command}" (try --help)`)
    }
  } catch (error) {
    if (error instanceof UsageError) {
      if (json)
        io.stdout(
          `${errorJson({ kind: 'invalid_request', status: null, code: null, message: error.message, request_id: null })}\n`,
        )
      io.stderr(`kling-studio: ${error.message}\n`)
      return EXIT.usage
    }
    if (error instanceof KlingApiError) {
      if (json) io.stdout(`${errorJson(error.toInfo())}\n`)
      else io.stderr(`kling-studio: ${error.describe()}\n`)
      return exitCodeFor(error)
    }
    io.stderr(
      `kling-studio: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )
    return EXIT.api
  }
}
