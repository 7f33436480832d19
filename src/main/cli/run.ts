import { InputError } from '../inputs'
import { KlingApiError } from '../kling/errors'
import { describeFieldErrors, UsageError } from './args'
import { emulator } from './commands/emulator'
import { extend } from './commands/extend'
import { generate } from './commands/generate'
import { list } from './commands/list'
import { resume } from './commands/resume'
import { spend } from './commands/spend'
import { budget } from './commands/budget'
import { download, status, wait } from './commands/tasks'
import { HELP } from './help'
import { CancelledElsewhere, errorJson, EXIT, exitCodeFor, OverBudget, type CliIo } from './output'

// The command line's entry: picks the command, and turns every way it can end into an exit code
// and one message: on stderr, or as JSON on stdout with --json; never both, never twice. One file
// per command in commands/.

type Command = (io: CliIo, args: string[], signal?: AbortSignal) => Promise<number>

const COMMANDS: Record<string, Command> = {
  generate,
  extend,
  status,
  wait,
  download,
  list: (io, args) => list(io, args),
  resume,
  spend,
  budget,
  emulator,
}

function usage(io: CliIo, json: boolean, message: string, rule: string | null = null): number {
  if (json) {
    const info = {
      kind: 'invalid_request' as const,
      status: null,
      code: rule,
      message,
      request_id: null,
    }
    io.stdout(`${errorJson(info)}\n`)
  } else io.stderr(`kling-studio: ${message}\n`)
  return EXIT.usage
}

/** Runs one command line; resolves the exit code. Never throws. */
export async function runCli(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const [command, ...rest] = argv
  const json = rest.includes('--json')
  try {
    const help = ['help', '--help', '-h']
    if (
      command === undefined ||
      help.includes(command) ||
      rest.includes('--help') ||
      rest.includes('-h')
    ) {
      io.stdout(HELP)
      return command === undefined ? EXIT.usage : EXIT.done
    }
    const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined
    if (!run) throw new UsageError(`unknown command "${command}" (try --help)`)
    return await run(io, rest, signal)
  } catch (error) {
    if (error instanceof UsageError) return usage(io, json, error.message)
    // An image that breaks a rule: nothing was sent; the message names the rule.
    if (error instanceof InputError)
      return usage(
        io,
        json,
        `${describeFieldErrors(error.errors)} (rule: ${error.rule})`,
        error.rule,
      )
    if (error instanceof CancelledElsewhere) {
      if (json) io.stdout(`${error.toJson()}\n`)
      else io.stderr(`kling-studio: ${error.message}\n`)
      return EXIT.cancelled
    }
    if (error instanceof OverBudget) {
      if (json) io.stdout(`${error.toJson()}\n`)
      else io.stderr(`kling-studio: ${error.message}\n`)
      return EXIT.overBudget
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
