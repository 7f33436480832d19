import { useT } from '../../i18n'
import { Segmented } from './Segmented'
import { COMPOSE_KINDS, type ComposeKind } from './slots'

// Which kind of video the draft makes: each kind shows only its own fields below.

export function KindTabs({
  kind,
  onChange,
}: {
  kind: ComposeKind
  onChange(kind: ComposeKind): void
}) {
  const t = useT()
  return (
    <div className="kind-tabs">
      <Segmented
        name="kind"
        legend={t('create.kind')}
        hideLegend
        className="kinds"
        value={kind}
        onChange={onChange}
        describedBy="kind-help"
        options={COMPOSE_KINDS.map((k) => ({ value: k, label: t(`create.kind.${k}`) }))}
      />
      <p id="kind-help" className="help">
        {t(`create.kindHelp.${kind}`)}
      </p>
    </div>
  )
}
