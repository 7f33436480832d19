import { InputStore, wireBody } from '../inputs'
import type { Ledger } from '../tasks/ledger'
import type { JobRecord } from '../tasks/ledger'
import { plainWire } from '../tasks/steps/wire'

// How input images are kept (by content hash in the library's Inputs folder, their provenance in
// the history) and how a stored request becomes the body a create sends: the images inline as
// base64, checked in their wire form. Shared by openStudio (command line) and the app.

export function inputStoreFor(ledger: Ledger, root: () => string, now?: () => number): InputStore {
  return new InputStore({
    root,
    record: (meta) => void ledger.addInput(meta),
    lookup: (sha256) => ledger.input(sha256),
    now,
  })
}

export function wireFor(inputs: InputStore): (job: JobRecord) => Promise<Record<string, unknown>> {
  return async (job) =>
    plainWire({ ...job, request: await wireBody(job.kind, job.request, inputs) })
}
