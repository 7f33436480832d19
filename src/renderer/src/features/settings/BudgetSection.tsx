import { useEffect, useRef, useState } from 'react'
import {
  PRICE_PER_UNIT_MAX,
  UNITS_CAP_MAX,
  type Budget,
  type Settings,
} from '../../../../shared/settings'
import { useLanguage, useT, type MessageKey } from '../../i18n'
import { useSpend } from '../../stores/spend'
import { formatUnits, moneyText } from '../spend/money'
import { openSpending, useCapsFocus } from '../spend/navigation'
import {
  checkBudgetDraft,
  currencyChoices,
  dailyAboveMonthly,
  draftOf,
  sameBudget,
  type BudgetDraft,
  type BudgetField,
} from './budget-form'
import { saveSettings } from './save'

// The Spending card of Settings: a daily and a monthly cap in units (empty: none), and a price
// per unit with its currency to show money beside units. Each field says what is wrong with it as
// it is typed; Save sends the whole budget at once, and the summary is fetched again.

interface FieldProps {
  field: BudgetField
  label: string
  suffix: string
  help: string
  error: MessageKey | undefined
  note?: string | null
  value: string
  onChange(value: string): void
  inputRef?: React.Ref<HTMLInputElement>
}

function AmountField({ inputRef, ...props }: FieldProps): React.JSX.Element {
  const t = useT()
  const language = useLanguage((s) => s.language)
  const { field, error, note } = props
  const id = `budget-${field}`
  const described = [error ? `${id}-error` : '', `${id}-help`, note ? `${id}-note` : '']
  return (
    <>
      <label htmlFor={id}>{props.label}</label>
      <div className="input-row budget-amount">
        <input
          ref={inputRef}
          id={id}
          type="text"
          inputMode="decimal"
          autoComplete="off"
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={described.filter(Boolean).join(' ')}
        />
        <span className="budget-suffix">{props.suffix}</span>
      </div>
      {error && (
        <p id={`${id}-error`} className="field-error under-control">
          {t(error, {
            max: formatUnits(field === 'price' ? PRICE_PER_UNIT_MAX : UNITS_CAP_MAX, language),
          })}
        </p>
      )}
      <p id={`${id}-help`} className="help under-control">
        {props.help}
      </p>
      {note && (
        <p id={`${id}-note`} className="help warning under-control">
          {note}
        </p>
      )}
    </>
  )
}

/** The keyboard at the first cap when Settings were opened to change the caps. */
function useCapsFocusOn(input: React.RefObject<HTMLInputElement | null>): void {
  const focusCaps = useCapsFocus((s) => s.focusCaps)
  useEffect(() => {
    if (!focusCaps) return
    // After the shell has put the keyboard at the view's heading.
    const timer = setTimeout(() => {
      useCapsFocus.setState({ focusCaps: false })
      input.current?.scrollIntoView({ block: 'center' })
      input.current?.focus()
    }, 0)
    return () => clearTimeout(timer)
  }, [focusCaps, input])
}

/**
 * The fields as typed and what they make. A budget saved elsewhere (another window, the command
 * line) replaces what the fields hold, unless they already say the same.
 */
function useBudgetDraft(budget: Budget, language: string) {
  const [draft, setDraft] = useState<BudgetDraft>(() => draftOf(budget, language))
  const [held, setHeld] = useState(budget)
  const checked = checkBudgetDraft(draft)
  if (!sameBudget(held, budget)) {
    // Adjusted while rendering (React's way for state that follows a prop), not in an effect.
    setHeld(budget)
    if (!checked.ok || !sameBudget(checked.value, budget)) setDraft(draftOf(budget, language))
  }
  return {
    draft,
    checked,
    errors: checked.ok ? {} : checked.errors,
    changed: checked.ok && !sameBudget(checked.value, budget),
    set: (patch: Partial<BudgetDraft>) => setDraft((d) => ({ ...d, ...patch })),
  }
}

export function BudgetSection({ settings }: { settings: Settings }): React.JSX.Element {
  const t = useT()
  const language = useLanguage((s) => s.language)
  const { draft, checked, errors, changed, set } = useBudgetDraft(settings.budget, language)
  const [saving, setSaving] = useState(false)
  const first = useRef<HTMLInputElement>(null)
  useCapsFocusOn(first)

  const priced = checked.ok ? checked.value : { pricePerUnit: null, currency: draft.currency }
  const capHelp = (cap: number | null) => {
    const money = cap === null ? null : moneyText(cap, priced, language)
    return money ? `${t('budget.capHelp')} ${t('budget.capMoney', { money })}` : t('budget.capHelp')
  }

  const save = async () => {
    if (!checked.ok || saving) return
    setSaving(true)
    const saved = await saveSettings({ budget: checked.value }, t)
    setSaving(false)
    if (saved) void useSpend.getState().refresh()
  }

  return (
    <section className="card" aria-labelledby="budget-title" id="budget">
      <form
        className="form-grid budget-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          void save()
        }}
      >
        <h2 id="budget-title" className="span">
          {t('budget.title')}
        </h2>
        <p className="span help budget-lead">{t('budget.lead')}</p>
        <AmountField
          field="daily"
          label={t('budget.daily')}
          suffix={t('budget.unitsSuffix')}
          help={capHelp(checked.ok ? checked.value.dailyUnits : null)}
          error={errors.daily}
          value={draft.daily}
          onChange={(daily) => set({ daily })}
          inputRef={first}
        />
        <AmountField
          field="monthly"
          label={t('budget.monthly')}
          suffix={t('budget.unitsSuffix')}
          help={capHelp(checked.ok ? checked.value.monthlyUnits : null)}
          error={errors.monthly}
          note={checked.ok && dailyAboveMonthly(checked.value) ? t('budget.dailyAbove') : null}
          value={draft.monthly}
          onChange={(monthly) => set({ monthly })}
        />
        <AmountField
          field="price"
          label={t('budget.price')}
          suffix={draft.currency}
          help={t('budget.priceHelp')}
          error={errors.price}
          value={draft.price}
          onChange={(price) => set({ price })}
        />
        <label htmlFor="budget-currency">{t('budget.currency')}</label>
        <CurrencySelect value={draft.currency} onChange={(currency) => set({ currency })} />
        <div className="span button-row budget-actions">
          <button type="submit" className="primary" disabled={!changed || saving}>
            {t('budget.save')}
          </button>
          <button type="button" className="ghost" onClick={openSpending}>
            {t('budget.seeSpending')}
          </button>
        </div>
      </form>
    </section>
  )
}

function CurrencySelect(props: { value: string; onChange(v: string): void }): React.JSX.Element {
  const language = useLanguage((s) => s.language)
  const names = new Intl.DisplayNames(language, { type: 'currency' })
  return (
    <select
      id="budget-currency"
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
    >
      {currencyChoices(props.value).map((code) => (
        <option key={code} value={code}>
          {`${code} · ${names.of(code) ?? code}`}
        </option>
      ))}
    </select>
  )
}
