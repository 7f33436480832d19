import { formatFieldErrors, validateRequest } from '../../../shared/kling'
import { KlingApiError } from '../../kling/errors'
import type { JobRecord } from '../ledger'

// The body a create sends, from the job as stored: its request checked once more in its wire form
// (images inline or by URL), with the external id made for the job. A request that no longer
// passes is refused here, before anything leaves.

export async function plainWire(job: JobRecord): Promise<Record<string, unknown>> {
  const body = { ...job.request, external_task_id: job.externalTaskId }
  const checked = validateRequest(job.kind, body, { form: 'wire' })
  if (!checked.ok) {
    throw new KlingApiError({
      kind: 'invalid_request',
      message: formatFieldErrors(checked.errors),
      mayHaveReachedServer: false,
    })
  }
  return checked.value as unknown as Record<string, unknown>
}
