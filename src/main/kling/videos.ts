import { createPathOf, queryPathOf, type KlingTask, type VideoKind } from '../../shared/kling'
import { KlingApiError } from './errors'
import type { QueryOptions, Transport } from './transport'

// The video endpoints as calls, one per thing the service does: create (one POST, never
// repeated here), get by task id, find by external id. Which endpoint is the `kind`, looked up
// in the registry (src/shared/kling/endpoints.ts); nothing here knows any one endpoint.

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
   * service says, in JSON, that it holds no such task (best effort: CometAPI does not document
   * this form); anything unreadable is thrown, never taken as absence.
   */
  async find(
    kind: VideoKind,
    externalTaskId: string,
    options: QueryOptions = {},
  ): Promise<KlingTask | null> {
    try {
      const task = await this.transport.query(
        queryPathOf(kind, externalTaskId),
        `Looking up external id ${externalTaskId}`,
        options,
      )
      // A gateway that echoes another task under this path has not found ours.
      if (
        task.external_task_id !== null &&
        task.external_task_id !== externalTaskId &&
        task.task_id !== externalTaskId
      ) {
        return null
      }
      return task
    } catch (error) {
      if (error instanceof KlingApiError && error.kind === 'not_found') return null
      throw error
    }
  }
}
