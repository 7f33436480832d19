import { Transport, type TransportOptions } from './transport'
import { Videos } from './videos'

// The CometAPI Kling client: a transport plus one small object per resource (only videos so
// far), openai-node style. It keeps no loops of its own: polling and every rule about sending a
// create again belong to the engine (src/main/tasks/).

export { DEFAULT_BASE_URL, type RetryEvent } from './transport'

export type KlingClientOptions = TransportOptions

export class KlingClient {
  readonly transport: Transport
  readonly videos: Videos

  constructor(options: KlingClientOptions) {
    this.transport = new Transport(options)
    this.videos = new Videos(this.transport)
  }

  get baseUrl(): string {
    return this.transport.baseUrl
  }
}

/** A fresh external_task_id: made once per job, reused on every attempt of its create. */
export function newExternalTaskId(): string {
  return `ks-${globalThis.crypto.randomUUID()}`
}
