import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UsageError } from './args'

// The flags every command shares, and strict parsing: an unknown flag is a usage error (exit 2),
// never silently ignored.

export const COMMON = {
  json: { type: 'boolean' },
  'base-url': { type: 'string' },
  library: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options']

export const WAITING = {
  ...COMMON,
  out: { type: 'string', short: 'o' },
  timeout: { type: 'string' },
} as const satisfies ParseArgsConfig['options']

export type Flags = Record<string, string | boolean | undefined>

export function parse(
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

export const str = (flags: Flags, name: string): string | undefined => {
  const v = flags[name]
  return typeof v === 'string' ? v : undefined
}
