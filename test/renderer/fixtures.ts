import type { Job } from '../../src/shared/jobs'

/** A job as the page receives it, with whatever the test cares about changed. */
export const job = (over: Partial<Job>): Job => ({
  id: 'j1',
  externalTaskId: 'ks-1',
  taskId: null,
  state: 'queued',
  taskStatus: null,
  statusMessage: '',
  request: { prompt: 'p' },
  sandbox: false,
  favourite: false,
  createdAt: 1,
  submittedAt: null,
  finishedAt: null,
  updatedAt: 1,
  units: null,
  error: null,
  video: null,
  saved: false,
  bytes: null,
  requestId: null,
  revision: 1,
  ...over,
})
