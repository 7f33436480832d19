import { useState } from 'react'
import { TAKES_MAX } from '../../../../shared/contract'
import type { UnitEstimate } from '../../../../shared/kling'
import { useLanguage, useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { CapNote, useCapVerdict } from '../spend/CapNote'
import { costTexts } from '../spend/money'
import { Segmented } from './Segmented'
import type { SlotBlock } from './use-slot-inputs'

// The foot of the composer, always in view: how many takes, what they should cost (units, and
// money when Settings give a price per unit), whether that would pass a spending cap (Generate
// then asks first), and Generate (disabled while a Generate is on its way, so a double click never
// sends twice, and while an image is being checked or was refused, saying so on the button and
// beside it).

interface Props {
  takes: number
  setTakes(takes: number): void
  estimate: UnitEstimate
  busy: boolean
  blocked: SlotBlock | null
}

const TAKE_CHOICES = Array.from({ length: TAKES_MAX }, (_, i) => String(i + 1))

function GenerateButton({
  takes,
  busy,
  blocked,
  capped,
}: Pick<Props, 'takes' | 'busy' | 'blocked'> & { capped: boolean }) {
  const t = useT()
  const mac = useApp((s) => s.info?.platform === 'darwin')
  const why = busy ? null : blocked
  const label = busy
    ? t('compose.generating')
    : why
      ? t(why === 'checking' ? 'create.blocked.checkingButton' : 'create.blocked.refusedButton')
      : takes > 1
        ? t('create.generateTakes', { n: takes })
        : t('compose.generate')
  return (
    <>
      <div className="foot-row">
        <button
          type="submit"
          className="primary big generate"
          disabled={busy || blocked !== null}
          aria-describedby={`${why ? 'generate-blocked ' : ''}cost-text ${capped ? 'cap-note ' : ''}cost-help`}
          aria-keyshortcuts="Control+Enter Meta+Enter"
        >
          {label}
        </button>
        <kbd>{mac ? t('compose.shortcutMac') : t('compose.shortcut')}</kbd>
      </div>
      {why && (
        <p
          id="generate-blocked"
          className={`generate-blocked ${why === 'refused' ? 'field-error' : 'help'}`}
        >
          {t(why === 'checking' ? 'create.blocked.checking' : 'create.blocked.refused')}
        </p>
      )}
    </>
  )
}

export function GenerateBar(props: Props): React.JSX.Element {
  const { takes, setTakes, estimate, busy, blocked } = props
  const t = useT()
  const language = useLanguage((s) => s.language)
  const budget = useApp((s) => s.settings?.budget)
  const known = estimate.units !== null
  const costHelp = known ? t('create.costHelp') : t('create.costUnknownHelp')
  const cost = costTexts(t, estimate.units, budget, language)
  const verdict = useCapVerdict(estimate.units)
  const [explain, setExplain] = useState(false)

  return (
    <div className="composer-foot">
      <div className="foot-row">
        <span className="foot-label" aria-hidden="true">
          {t('create.takes')}
        </span>
        <Segmented
          name="takes"
          legend={t('create.takes')}
          hideLegend
          className="takes"
          value={String(takes)}
          onChange={(n) => setTakes(Number(n))}
          describedBy="takes-help"
          options={TAKE_CHOICES.map((n) => ({ value: n, label: n }))}
        />
        <p className="cost" title={costHelp}>
          <span id="cost-text">
            <span>{cost.units}</span>
            {cost.money && <span className="cost-money"> · {cost.money}</span>}
          </span>
          <button
            type="button"
            className="ghost cost-more"
            aria-expanded={explain}
            aria-controls="cost-help"
            aria-label={t('create.costAbout')}
            onClick={() => setExplain((v) => !v)}
          >
            <span aria-hidden="true">?</span>
          </button>
        </p>
      </div>
      <p id="takes-help" className="sr-only">
        {t('create.takesHelp')}
      </p>
      <p id="cost-help" className={explain ? 'help cost-help' : 'sr-only'}>
        {costHelp}
      </p>
      {!verdict.ok && <CapNote id="cap-note" verdict={verdict} />}
      <GenerateButton takes={takes} busy={busy} blocked={blocked} capped={!verdict.ok} />
    </div>
  )
}
