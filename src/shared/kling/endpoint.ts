import {
  callbackUrl,
  cfgScale,
  duration,
  externalTaskId,
  LIMITS,
  modelName,
  oneOf,
  MODES,
  text,
  type BodySpec,
  type FieldCheck,
} from './fields'

// What one Kling video endpoint is, as data: its action (the last part of its paths), its body
// declaration and where images sit in that body. endpoints.ts holds one of these per endpoint;
// the client, the engine, the emulator, the command line and the forms all read them from there.

/** Where an image sits in a body: a field, or a field of each item of a list. */
export type ImagePath = `${string}` | `${string}[].${string}`

export interface EndpointDef<K extends string = string> {
  kind: K
  /** English, for errors and the command line. */
  title: string
  body: BodySpec
  imagePaths: readonly ImagePath[]
  /** Whether the request names the clip's shape (else it follows its image or parent). */
  hasAspectRatio: boolean
}

export const API_PREFIX = '/kling/v1/videos'

/** `POST` here creates a task of this kind. */
export const createPath = (kind: string): string => `${API_PREFIX}/${kind}`

/** `GET` here asks about one task (by task id, or best effort by external id). */
export const queryPath = (kind: string, id: string): string =>
  `${API_PREFIX}/${kind}/${encodeURIComponent(id)}`

/** Fields every video endpoint shares (docs/kling-api.md: "beyond prompt, negative_prompt, ..."). */
export const COMMON_FIELDS = {
  model_name: modelName,
  mode: oneOf(MODES),
  duration,
  prompt: text(0, LIMITS.promptMax),
  negative_prompt: text(0, LIMITS.negativePromptMax),
  cfg_scale: cfgScale,
  callback_url: callbackUrl,
  external_task_id: externalTaskId,
} as const satisfies Record<string, FieldCheck>

/** A required prompt, for the endpoints whose docs require one. */
export const REQUIRED_PROMPT = text(1, LIMITS.promptMax)

/** The fields a request of these endpoints always may carry, for typing. */
export interface CommonRequest {
  prompt?: string
  negative_prompt?: string
  duration?: string
  mode?: 'std' | 'pro'
  model_name?: string
  cfg_scale?: number
  callback_url?: string
  external_task_id?: string
}
