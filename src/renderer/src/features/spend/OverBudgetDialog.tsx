import { useEffect, useRef } from 'react'
import { useLanguage, useT, type MessageKey } from '../../i18n'
import { useApp } from '../../stores/app'
import { useSpend } from '../../stores/spend'
import { BudgetFigures } from './BudgetFigures'
import { useBudgetAsk, type BudgetAsk } from './gate'
import { openCaps } from './navigation'
import { useModal } from '../../ui/modal'

// The question a paid action asks when it would pass a cap: which cap, what is charged and on its
// way, what this adds (as money too when a price is set), and three ways on: send anyway (a
// deliberate choice, never the one in focus), change the caps, or cancel. One at a time, over
// whatever is open (the extend dialog included); Escape cancels.

const TITLE: Record<string, MessageKey> = {
  daily: 'spend.ask.title.daily',
  monthly: 'spend.ask.title.monthly',
  unknown: 'spend.ask.title.unknown',
  elsewhere: 'spend.ask.title.elsewhere',
}
const LEAD: Record<string, MessageKey> = {
  daily: 'spend.ask.lead.daily',
  monthly: 'spend.ask.lead.monthly',
  unknown: 'spend.ask.lead.unknown',
  elsewhere: 'spend.ask.lead.elsewhere',
}
const ANYWAY: Record<BudgetAsk['action'], MessageKey> = {
  generate: 'spend.ask.anyway.generate',
  extend: 'spend.ask.anyway.extend',
  rerun: 'spend.ask.anyway.rerun',
}

function AskDialog({ ask }: { ask: BudgetAsk }): React.JSX.Element {
  const t = useT()
  const language = useLanguage((s) => s.language)
  const budget = useApp((s) => s.settings?.budget)
  const summary = useSpend((s) => s.summary)
  const dialog = useRef<HTMLDialogElement>(null)
  const cancel = useRef<HTMLButtonElement>(null)
  const reason = ask.verdict?.reason ?? 'elsewhere'

  useModal(dialog)
  // The safe way on has the keyboard: passing a cap takes a deliberate move.
  useEffect(() => cancel.current?.focus(), [])

  /** Closes first (the keyboard goes back where it was), then answers. */
  const answer = (proceed: boolean) => {
    if (dialog.current?.open) dialog.current.close()
    ask.answer(proceed)
  }

  return (
    <dialog
      ref={dialog}
      className="over-budget"
      aria-labelledby="over-budget-title"
      aria-describedby="over-budget-lead"
      onCancel={(e) => {
        e.preventDefault()
        answer(false)
      }}
    >
      <h2 id="over-budget-title">{t(TITLE[reason]!)}</h2>
      <p id="over-budget-lead">{t(LEAD[reason]!)}</p>
      <BudgetFigures
        ask={ask}
        budget={budget}
        committed={summary?.committed ?? null}
        t={t}
        language={language}
      />
      <p className="muted">{t('spend.ask.nothingSent')}</p>
      <div className="dialog-actions">
        <button
          type="button"
          className="ghost change-caps"
          onClick={() => {
            answer(false)
            openCaps()
          }}
        >
          {t('spend.ask.changeCaps')}
        </button>
        <button ref={cancel} type="button" onClick={() => answer(false)}>
          {t('common.cancel')}
        </button>
        <button type="button" className="primary anyway" onClick={() => answer(true)}>
          {t(ANYWAY[ask.action])}
        </button>
      </div>
    </dialog>
  )
}

/** Shows the question when a paid action asks one (rendered once, by the shell). */
export function OverBudgetDialog(): React.JSX.Element | null {
  const ask = useBudgetAsk((s) => s.ask)
  // A new question is a new dialog: its own focus, its own answer.
  return ask ? <AskDialog key={ask.id} ask={ask} /> : null
}
