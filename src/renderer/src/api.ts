import type { Api } from '../../shared/bridge'
import type { Envelope } from '../../shared/contract'

declare global {
  interface Window {
    /** The bridge preload exposes; the page's only way to main. */
    api: Api
  }
}

export const api = (): Api => window.api

/** Unwraps an envelope; a failure becomes an Error carrying its code and request id. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly requestId?: string,
  ) {
    super(message)
  }
}

export async function call<T>(promise: Promise<Envelope<T>>): Promise<T> {
  const res = await promise
  if (res.ok) return res.data
  throw new ApiError(res.error.code, res.error.message, res.error.requestId)
}
