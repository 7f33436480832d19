import { PRICE_PER_UNIT_MAX, UNITS_CAP_MAX, type Budget } from '../../../../shared/settings'
import type { MessageKey } from '../../i18n'

// The Spending section's fields as typed, and the budget they make: a cap or a price is a number
// above 0 (a comma works as the decimal mark, as Indonesian writes it), empty for none. What
// cannot be one is said by field; a daily cap above the monthly one is allowed, but said.

export interface BudgetDraft {
  daily: string
  monthly: string
  price: string
  currency: string
}

export type BudgetField = keyof BudgetDraft

export type BudgetCheck =
  { ok: true; value: Budget } | { ok: false; errors: Partial<Record<BudgetField, MessageKey>> }

/** The fields as a budget shows in them (a number as the person's language writes it). */
export function draftOf(budget: Budget, language: string): BudgetDraft {
  const text = (n: number | null) =>
    n === null
      ? ''
      : new Intl.NumberFormat(language, { maximumFractionDigits: 6, useGrouping: false }).format(n)
  return {
    daily: text(budget.dailyUnits),
    monthly: text(budget.monthlyUnits),
    price: text(budget.pricePerUnit),
    currency: budget.currency,
  }
}

/** A typed amount: null when empty, undefined when it is not a number above 0 up to max. */
export function parseAmount(text: string, max: number): number | null | undefined {
  const s = text.trim()
  if (s === '') return null
  if (!/^(?:\d+(?:[.,]\d+)?|[.,]\d+)$/.test(s)) return undefined
  const n = Number(s.replace(',', '.'))
  return Number.isFinite(n) && n > 0 && n <= max ? n : undefined
}

export function checkBudgetDraft(d: BudgetDraft): BudgetCheck {
  const daily = parseAmount(d.daily, UNITS_CAP_MAX)
  const monthly = parseAmount(d.monthly, UNITS_CAP_MAX)
  const price = parseAmount(d.price, PRICE_PER_UNIT_MAX)
  const errors: Partial<Record<BudgetField, MessageKey>> = {}
  if (daily === undefined) errors.daily = 'budget.error.cap'
  if (monthly === undefined) errors.monthly = 'budget.error.cap'
  if (price === undefined) errors.price = 'budget.error.price'
  if (!/^[A-Z]{3}$/.test(d.currency)) errors.currency = 'budget.error.currency'
  if (Object.keys(errors).length > 0) return { ok: false, errors }
  return {
    ok: true,
    value: {
      dailyUnits: daily ?? null,
      monthlyUnits: monthly ?? null,
      pricePerUnit: price ?? null,
      currency: d.currency,
    },
  }
}

/** A daily cap the monthly one always stops first: allowed, but worth saying. */
export function dailyAboveMonthly(b: Budget): boolean {
  return b.dailyUnits !== null && b.monthlyUnits !== null && b.dailyUnits > b.monthlyUnits
}

export function sameBudget(a: Budget, b: Budget): boolean {
  return (
    a.dailyUnits === b.dailyUnits &&
    a.monthlyUnits === b.monthlyUnits &&
    a.pricePerUnit === b.pricePerUnit &&
    a.currency === b.currency
  )
}

/** The currencies to pick from: every one this Intl knows, the one set always among them. */
export function currencyChoices(current: string): string[] {
  const known =
    typeof Intl.supportedValuesOf === 'function'
      ? Intl.supportedValuesOf('currency')
      : ['AUD', 'CNY', 'EUR', 'GBP', 'IDR', 'JPY', 'SGD', 'USD']
  return known.includes(current) ? known : [...known, current].sort()
}
