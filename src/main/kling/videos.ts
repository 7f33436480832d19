import { createPathOf, queryPathOf, type KlingTask, type VideoKind } from '../../shared/kling'
import { coversExternalIds } from './dialects'
import { KlingApiError } from './errors'
import type { QueryOptions, Transport } from './transport'

// The video endpoints as calls, one per thing the service does: create (one POST, never
// repeated here), get by task id, find by external id. Which endpoint is the `kind`, looked up
// in the registry (src/shared/kling/endpoints.ts); nothing here knows any one endpoint.

/**
 * The code of a lookup by external id that a gateway cannot answer: it files tasks only under the
 * ids it issued, so its "no such task" says nothing about ours (see docs/kling-api.md, Gateway
 * dialects). Only the person may then choose to send again.
 */
export const LOOKUP_UNSUPPORTED = 'external_id_lookup_unsupported'

export class Videos {
  constructor(readonly transport: Transport) {}

  /** Sends one create. The body is the wire form (images inline or by URL). */
  create(kind: VideoKind, body: Record<string, unknown>, signal?: AbortSignal): Promise<KlingTask> {
    return this.transport.once(
      'POST',
      createPathOf(kind),
      'Creating the task',
      JSON.stringify(body),
      signal,
    )
  }

  /** One task's status. */
  get(kind: VideoKind, taskId: string, options: QueryOptions = {}): Promise<KlingTask> {
    return this.transport.query(queryPathOf(kind, taskId), `Querying task ${taskId}`, options)
  }

  /**
   * Looks a task up by the external_task_id it was created with. Resolves null only when the
   * service says, in JSON and in a form that covers external ids (dialects.ts), that it holds no
   * such task; anything else is thrown, never taken as absence.
   */
  async find(
    kind: VideoKind,
    externalTaskId: string,
    options: QueryOptions = {},
  ): Promise<KlingTask | null> {
    let task: KlingTask
    try {
      task = await this.transport.query(
        queryPathOf(kind, externalTaskId),
        `Looking up external id ${externalTaskId}`,
        options,
      )
    } catch (error) {
      if (!(error instanceof KlingApiError) || error.kind !== 'not_found') throw error
      if (coversExternalIds(error)) return null
      // A relay that files tasks under the ids it issued says this of every external id.
      throw new KlingApiError({
        kind: 'invalid_request',
        code: LOOKUP_UNSUPPORTED,
        message:
          `This gateway answers "${error.code ?? 'not found'}" for any id it did not issue, so it ` +
          `cannot tell whether a task with external id ${externalTaskId} exists`,
        status: error.status,
        requestId: error.requestId,
      })
    }
    // A gateway that answers with another task under this path has not said anything about ours.
    if (
      task.external_task_id !== null &&
      task.external_task_id !== externalTaskId &&
      task.task_id !== externalTaskId
    ) {
      throw new KlingApiError({
        kind: 'unreadable_response',
        message: `Looking up external id ${externalTaskId} answered with task ${task.task_id} of external id ${task.external_task_id}`,
        requestId: task.request_id,
      })
    }
    return task
  }
}
