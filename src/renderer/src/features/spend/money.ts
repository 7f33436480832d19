import { unitsAsMoney } from '../../../../shared/spend'
import type { Budget } from '../../../../shared/settings'
import type { Translate } from '../../i18n'

// Units and money as the person reads them: numbers in their language's way (1,5 in Indonesian),
// money in the currency Settings name (Intl's own symbol and decimals), and "≈" before a figure
// that is an estimate (once, for the units and their money together).

/** Units with at most two decimals, in the person's language. */
export function formatUnits(units: number, language: string): string {
  return new Intl.NumberFormat(language, { maximumFractionDigits: 2 }).format(units)
}

/** An amount of money in a currency, in the person's language ("$0.28", "US$0,28"). */
export function formatMoney(amount: number, currency: string, language: string): string {
  try {
    return new Intl.NumberFormat(language, { style: 'currency', currency }).format(amount)
  } catch {
    // A code this Intl does not know (settings only take three capital letters): said plainly.
    return `${new Intl.NumberFormat(language, { maximumFractionDigits: 2 }).format(amount)} ${currency}`
  }
}

/** "1 unit", "12.5 units". */
export function unitsText(t: Translate, units: number, language: string): string {
  const n = formatUnits(units, language)
  return units === 1 ? t('spend.unitOne', { n }) : t('spend.units', { n })
}

/** Units as money at the person's price, formatted; null when no price is set. */
export function moneyText(
  units: number,
  budget: Pick<Budget, 'pricePerUnit' | 'currency'> | undefined,
  language: string,
): string | null {
  const money = budget ? unitsAsMoney(units, budget) : null
  return money ? formatMoney(money.amount, money.currency, language) : null
}

/** What an action should cost: "≈ 3 units" and, when a price is set, "$0.42"; or unknown. */
export function costTexts(
  t: Translate,
  units: number | null,
  budget: Pick<Budget, 'pricePerUnit' | 'currency'> | undefined,
  language: string,
): { units: string; money: string | null } {
  if (units === null) return { units: t('create.costUnknown'), money: null }
  const money = moneyText(units, budget, language)
  return {
    units: t('create.cost', { n: formatUnits(units, language) }),
    money,
  }
}
