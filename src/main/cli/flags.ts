import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UsageError } from './args'
import { nearest } from './suggest'

// The flags every command shares, and strict parsing: an unknown flag is a usage error (exit 2)
// naming the flag of that command it was probably meant to be, never silently ignored.

export const COMMON = {
  json: { type: 'boolean' },
  'base-url': { type: 'string' },
  /** The folder of the history and settings (else KLING_STUDIO_DATA_DIR, else the app's). */
  data: { type: 'string' },
  library: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options']

export const WAITING = {
  ...COMMON,
  out: { type: 'string', short: 'o' },
  timeout: { type: 'string' },
} as const satisfies ParseArgsConfig['options']

/** The flags of a command that makes a paid job (generate, extend). */
export const PAYING = {
  ...WAITING,
  wait: { type: 'boolean' },
  /** Pass a spending cap for this one job (else a cap that would be passed stops it: exit 6). */
  'over-budget': { type: 'boolean' },
} as const satisfies ParseArgsConfig['options']

export type Flags = Record<string, string | boolean | undefined>

type Options = NonNullable<ParseArgsConfig['options']>

export function parse(
  args: string[],
  options: Options,
  command: string,
): { flags: Flags; positionals: string[] } {
  refuseUnknown(args, options, command)
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

/** The first flag the command does not know, with the one it was probably meant to be. */
function refuseUnknown(args: string[], options: Options, command: string): void {
  const { tokens } = parseArgs({
    args,
    options,
    allowPositionals: true,
    strict: false,
    tokens: true,
  })
  for (const token of tokens) {
    if (token.kind !== 'option' || Object.hasOwn(options, token.name)) continue
    const guess = token.rawName.startsWith('--')
      ? nearest(token.name, Object.keys(options))
      : undefined
    throw new UsageError(
      guess
        ? `unknown flag ${token.rawName}; did you mean --${guess}?`
        : `unknown flag ${token.rawName} for ${command} (kling-studio --help lists every flag)`,
    )
  }
}

export const str = (flags: Flags, name: string): string | undefined => {
  const v = flags[name]
  return typeof v === 'string' ? v : undefined
}

/** A command line as a person can paste it: arguments quoted for a POSIX shell where needed. */
export function shellLine(words: readonly string[]): string {
  return words
    .map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`))
    .join(' ')
}
