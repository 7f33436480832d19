import { join } from 'node:path'
import { InputError } from '../inputs'
import { KlingApiError } from '../kling/errors'
import { defaultDataDir, LEDGER_FILE } from '../paths'
import { problemLine, problemOf } from '../studio/history-open'
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
import { terminalLines, terminalText } from './terminal-text'

// The command line's entry: picks the command, and turns every way it can end into an exit code
// and one message: on stderr, or as JSON on stdout with --json; never both, never twice. One file
// per command in commands/. A history that cannot be used (damaged, busy, newer) is one line with
// what to do, and exit code 7 (EXIT.history), whichever command met it.

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
  } else io.stderr(`kling-studio: ${terminalText(message)}\n`)
  return EXIT.usage
}

/** The history file a command line names: --data DIR, else the environment's, else the app's. */
function historyFileOf(args: string[], env: CliIo['env']): string {
  const at = args.findIndex((a) => a === '--data' || a.startsWith('--data='))
  const given =
    at < 0 ? undefined : args[at]!.startsWith('--data=') ? args[at]!.slice(7) : args[at + 1]
  return join(given ?? defaultDataDir(env), LEDGER_FILE)
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
      else io.stderr(`kling-studio: ${terminalText(error.describe())}\n`)
      return exitCodeFor(error)
    }
    const problem = problemOf(error, historyFileOf(rest, io.env))
    if (problem) {
      const line = problemLine(problem)
      if (json) {
        const info = { kind: `history_${problem.kind}`, status: null, code: null, message: line }
        io.stdout(
          `${JSON.stringify({ error: { ...info, request_id: null, file: problem.file } })}\n`,
        )
      } else io.stderr(`kling-studio: ${line}\n`)
      return EXIT.history
    }
    io.stderr(
      `kling-studio: unexpected error: ${terminalLines(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`,
    )
    return EXIT.api
  }
}
