// A failure a service reports on purpose, with a code the window can act on (not_found,
// invalid_input, invalid_state, cancelled, ...). The ipc layer turns it into an error envelope.

export class CallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly requestId?: string,
  ) {
    super(message)
  }
}
