import { join } from 'node:path'
import { PRICE_PER_UNIT_MAX, UNITS_CAP_MAX, type Budget } from '../../../shared/settings'
import { SETTINGS_FILE } from '../../paths'
import { JsonSettingsStore } from '../../settings/settings-store'
import { parseNumberFlag, UsageError } from '../args'
import { CliContext } from '../context'
import { COMMON, parse, str, type Flags } from '../flags'
import { EXIT, type CliIo } from '../output'

// kling-studio budget: the spending caps and the price per unit, shown, or changed in the same
// settings file the app reads (its Settings show the change). --daily N and --monthly N cap the
// units a local day or a calendar month may take (charged plus on their way), "off" lifts a cap;
// --price X --currency CUR shows units as money.

const OPTIONS = {
  ...COMMON,
  daily: { type: 'string' },
  monthly: { type: 'string' },
  price: { type: 'string' },
  currency: { type: 'string' },
} as const

/** A cap or price from a flag: a number in range, "off" (none), or not given (undefined). */
function amount(flags: Flags, name: string, max: number): number | null | undefined {
  const raw = str(flags, name)
  if (raw === undefined) return undefined
  if (raw.trim().toLowerCase() === 'off') return null
  const n = parseNumberFlag(`--${name}`, raw, { min: 0, max })!
  if (n === 0) throw new UsageError(`--${name} must be above 0 (or "off" for none)`)
  return n
}

function changesOf(flags: Flags): Partial<Budget> {
  const changes: Partial<Budget> = {}
  const daily = amount(flags, 'daily', UNITS_CAP_MAX)
  const monthly = amount(flags, 'monthly', UNITS_CAP_MAX)
  const price = amount(flags, 'price', PRICE_PER_UNIT_MAX)
  if (daily !== undefined) changes.dailyUnits = daily
  if (monthly !== undefined) changes.monthlyUnits = monthly
  if (price !== undefined) changes.pricePerUnit = price
  const currency = str(flags, 'currency')?.trim().toUpperCase()
  if (currency !== undefined) {
    if (!/^[A-Z]{3}$/.test(currency))
      throw new UsageError(`--currency must be a three-letter code such as USD (got "${currency}")`)
    changes.currency = currency
  }
  return changes
}

function describe(b: Budget): string {
  const cap = (n: number | null) => (n === null ? 'none' : `${n} units`)
  return [
    `Daily cap: ${cap(b.dailyUnits)} (a local day, charged plus on their way)`,
    `Monthly cap: ${cap(b.monthlyUnits)} (a calendar month)`,
    `Price: ${b.pricePerUnit === null ? 'none set (units only)' : `${b.pricePerUnit} ${b.currency} a unit`}`,
    'A generate or extend that would pass a cap is stopped (exit 6) unless --over-budget.',
  ].join('\n')
}

export async function budget(io: CliIo, args: string[]): Promise<number> {
  const { flags, positionals } = parse(args, OPTIONS, 'budget')
  if (positionals.length > 0)
    throw new UsageError('budget takes no arguments (--daily N, --monthly N, --price X)')
  const changes = changesOf(flags)
  const cx = new CliContext(io, flags)
  const store = new JsonSettingsStore(join(cx.dataDir, SETTINGS_FILE))
  const current =
    Object.keys(changes).length === 0
      ? store.get().budget
      : store.update({ budget: { ...store.get().budget, ...changes } }).budget
  io.stdout(cx.json ? `${JSON.stringify(current)}\n` : `${describe(current)}\n`)
  return EXIT.done
}
