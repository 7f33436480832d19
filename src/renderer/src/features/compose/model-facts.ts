import { fieldsOf, type Mode, type ModelInfo } from '../../../../shared/kling'
import type { Translate } from '../../i18n'
import type { ComposeKind } from './slots'

// What a model takes for a kind, in a few words for the picker ("Std, Pro · 5, 10 s · last frame
// (Pro) · no cfg"), read from the model table.

const MODE_NAMES: Record<Mode, string> = { std: 'Std', pro: 'Pro' }

function secondsOf(durations: readonly string[]): string {
  const n = durations.map(Number)
  const run = n.every((d, i) => i === 0 || d === n[i - 1]! + 1)
  return run && n.length > 3 ? `${n[0]}–${n.at(-1)}` : durations.join(', ')
}

export function modelFacts(model: ModelInfo, kind: ComposeKind, t: Translate): string {
  const caps = model.kinds[kind]
  if (!caps) return t('create.facts.notForKind')
  const fields = new Set(fieldsOf(kind))
  const onlyPro = (modes: readonly Mode[]) => modes.length === 1 && modes[0] === 'pro'
  const feature = (what: string, modes: readonly Mode[]) =>
    onlyPro(modes) ? t('create.facts.pro', { what }) : what
  const parts = [
    caps.modes.map((m) => MODE_NAMES[m]).join(', '),
    t('create.facts.seconds', { list: secondsOf(caps.durations) }),
  ]
  if (kind === 'image2video' && caps.imageTail)
    parts.push(feature(t('create.facts.tail'), caps.imageTail))
  if (fields.has('sound') && caps.sound) parts.push(feature(t('create.facts.sound'), caps.sound))
  if (caps.cameraControl) parts.push(t('create.facts.camera'))
  if (fields.has('cfg_scale'))
    parts.push(model.cfgScale ? t('create.facts.cfg') : t('create.facts.noCfg'))
  return parts.join(' · ')
}
