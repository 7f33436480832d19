import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openStudio, type StudioUnderTest } from './takes-app'

// Cancelling a job still waiting here, through the real contract, services, ledger on disk and an
// emulator on loopback: gone from the history and the queue, the window told, its create never
// sent. A job already sent is refused (Kling cannot cancel a sent task) and left as it was.
// The race with the engine claiming a job at the same moment: test/unit/cancel-race.test.ts.

let studio: StudioUnderTest

beforeEach(async () => {
  studio = await openStudio()
})
afterEach(async () => {
  await studio.close()
})

describe('cancel', () => {
  it('drops a queued job: gone from the history, tasks.removed sent, never created after resume', async () => {
    const { api, emulator, ledger, events } = studio
    expect((await api.queue.pause()).ok).toBe(true)
    const created = await api.tasks.create({ request: { prompt: 'waits, then is cancelled' } })
    const kept = await api.tasks.create({ request: { prompt: 'waits, then runs' } })
    if (!created.ok || !kept.ok) throw new Error('create refused')
    const gone = created.data[0]!
    const stays = kept.data[0]!
    expect((await api.queue.stats()).ok && (await api.queue.stats())).toMatchObject({
      data: { queued: 2, running: 0, paused: true },
    })

    expect(await api.tasks.cancel({ id: gone.id })).toEqual({ ok: true })
    expect(events.filter((e) => e.name === 'tasks.removed')).toEqual([
      { name: 'tasks.removed', payload: { id: gone.id } },
    ])
    expect(await api.tasks.get({ id: gone.id })).toEqual({
      ok: false,
      error: { code: 'not_found', message: `No job ${gone.id}` },
    })
    expect(ledger.get(gone.id)).toBeNull()
    expect(ledger.history(gone.id)).toEqual([])
    expect(ledger.byExternalId(gone.externalTaskId)).toBeNull()
    const listed = await api.tasks.list({})
    expect(listed.ok && listed.data.jobs.map((j) => j.id)).toEqual([stays.id])
    expect((await api.queue.stats()).ok && (await api.queue.stats())).toMatchObject({
      data: { queued: 1 },
    })
    // Twice: it is not there any more.
    const again = await api.tasks.cancel({ id: gone.id })
    expect(!again.ok && again.error.code).toBe('not_found')

    // The line runs in arrival order: once the later job is done, the cancelled one would have
    // been sent before it, had it still been in line.
    expect((await api.queue.resume()).ok).toBe(true)
    expect((await studio.until(stays.id, ['done', 'failed'])).state).toBe('done')
    expect(emulator.tasks().map((t) => t.external_task_id)).toEqual([stays.externalTaskId])
  })

  it('cancels one take of a group; the other takes run', async () => {
    const { api, emulator } = studio
    await api.queue.pause()
    const created = await api.tasks.create({ request: { prompt: 'three takes' }, takes: 3 })
    if (!created.ok) throw new Error(created.error.message)
    const [a, b, c] = created.data
    expect((await api.tasks.cancel({ id: b!.id })).ok).toBe(true)
    await api.queue.resume()
    for (const j of [a!, c!]) expect((await studio.until(j.id, ['done'])).groupId).toBe(a!.groupId)
    expect(
      emulator
        .tasks()
        .map((t) => t.external_task_id)
        .sort(),
    ).toEqual([a!.externalTaskId, c!.externalTaskId].sort())
  })

  it('refuses a job already sent, with the reason, and leaves it as it was', async () => {
    const { api, emulator, ledger } = studio
    const created = await api.tasks.create({ request: { prompt: 'sent before the cancel' } })
    if (!created.ok) throw new Error(created.error.message)
    const id = created.data[0]!.id
    await studio.until(id, ['submitted', 'processing', 'downloading', 'done'])
    const refused = await api.tasks.cancel({ id })
    expect(refused).toEqual({
      ok: false,
      error: {
        code: 'invalid_state',
        message: expect.stringMatching(
          /already sent to Kling.*Kling cannot cancel a task once it is sent/,
        ),
      },
    })
    // Followed to its end as if nothing had been asked, created once.
    const done = await studio.until(id, ['done', 'failed'])
    expect(done).toMatchObject({ state: 'done', saved: true })
    expect(emulator.tasks().map((t) => t.create_requests)).toEqual([1])

    // Finished: refused the same way, and nothing about it changes.
    const before = await api.tasks.get({ id })
    const revision = ledger.revision()
    const again = await api.tasks.cancel({ id })
    expect(!again.ok && again.error.code).toBe('invalid_state')
    expect(!again.ok && again.error.message).toMatch(/\(it is done\)/)
    expect(await api.tasks.get({ id })).toEqual(before)
    expect(ledger.revision()).toBe(revision)
    expect(studio.events.some((e) => e.name === 'tasks.removed')).toBe(false)
  })
})
