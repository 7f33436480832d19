import {
  DEFAULT_MODEL,
  DURATIONS,
  findModel,
  modelsFor,
  RECOMMENDED_MODEL,
  type KindCapability,
  type ModelInfo,
} from '../../../../shared/kling'
import type { ComposeKind } from './slots'

// Which model a draft starts on, and what the chosen one takes, read from the model table. An
// empty name is "server default": the service's own default model (DEFAULT_MODEL) applies.

/** A model the table knows, and what it does for this kind (both undefined for a name it does not know). */
export interface ModelCaps {
  model: ModelInfo | undefined
  caps: KindCapability | undefined
}

export function capsOf(name: string, kind: ComposeKind): ModelCaps {
  const model = findModel(name.trim() || undefined)
  return { model, caps: model?.kinds[kind] }
}

/** The recommended model for a kind: RECOMMENDED_MODEL, or the newest listed for that kind. */
export function recommendedModel(kind: ComposeKind): string {
  const listed = modelsFor(kind)
  if (listed.some((m) => m.name === RECOMMENDED_MODEL)) return RECOMMENDED_MODEL
  return listed.at(-1)?.name ?? ''
}

/** A new draft's model: the one in Settings when it makes this kind, else the recommended one. */
export function startingModel(kind: ComposeKind, fromSettings: string | undefined): string {
  const wanted = fromSettings?.trim()
  if (wanted) {
    const known = findModel(wanted)
    // A name the table does not know is the person's own choice: kept as it is.
    if (!known || known.kinds[kind]) return wanted
  }
  return recommendedModel(kind)
}

/** Whether the model table lists this model for this kind (an empty or unknown name: no). */
export function makesKind(name: string, kind: ComposeKind): boolean {
  const wanted = name.trim()
  return wanted !== '' && modelsFor(kind).some((m) => m.name === wanted)
}

/** A model the kind switch moved away from, because the new kind was not one it makes. */
export interface Displaced {
  from: string
  to: string
}

/**
 * The model after a switch to another kind: the one the person chose, while it makes the new kind
 * (a model the last switch moved away from counts as chosen, until the person picks another);
 * else the one last used on that kind, else the kind's starting model, and the choice displaced.
 */
export function modelOnSwitch(o: {
  current: string
  displaced: Displaced | null
  kind: ComposeKind
  remembered: string | undefined
  fromSettings: string | undefined
}): { model: string; displaced: Displaced | null } {
  const chosen = o.displaced && o.displaced.to === o.current ? o.displaced.from : o.current
  if (makesKind(chosen, o.kind)) return { model: chosen, displaced: null }
  const model = o.remembered ?? startingModel(o.kind, o.fromSettings)
  return { model, displaced: model === chosen ? null : { from: chosen, to: model } }
}

/** The durations to offer: the model's own for this kind, else the documented ones. */
export function durationsOf(caps: ModelCaps): readonly string[] {
  return caps.caps?.durations ?? DURATIONS
}

/** Whether a known model is documented not to take a feature at all (a value for it is left out). */
export function refuses(caps: ModelCaps, feature: 'cfg' | 'sound' | 'imageTail'): boolean {
  if (!caps.model) return false
  if (feature === 'cfg') return !caps.model.cfgScale
  if (!caps.caps) return false
  return caps.caps[feature] === undefined
}

export const SERVER_DEFAULT_LABEL = findModel(DEFAULT_MODEL)?.label ?? DEFAULT_MODEL
