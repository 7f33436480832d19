import { existsSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openStudio, type StudioUnderTest } from './takes-app'

// Takes: one Generate makes 1-4 jobs, each its own job id and external id, sharing a group id,
// through the real contract, services, ledger on disk and an emulator on loopback. A Generate
// whose ids cannot all be had is refused whole, with nothing written and nothing sent.

let studio: StudioUnderTest

beforeEach(async () => {
  studio = await openStudio()
})
afterEach(async () => {
  await studio.close()
})

describe('takes', () => {
  it('4 takes: 4 jobs, their own external ids, one group, 4 creates, each its own video', async () => {
    const { api, emulator, ledger, core } = studio
    const created = await api.tasks.create({
      request: { prompt: 'a lighthouse in four takes', aspect_ratio: '16:9' },
      takes: 4,
    })
    if (!created.ok) throw new Error(created.error.message)
    const jobs = created.data
    expect(jobs).toHaveLength(4)
    expect(new Set(jobs.map((j) => j.id)).size).toBe(4)
    expect(new Set(jobs.map((j) => j.externalTaskId)).size).toBe(4)
    const groupId = jobs[0]!.groupId
    expect(groupId).toEqual(expect.any(String))
    expect(jobs.every((j) => j.groupId === groupId && j.sandbox === false)).toBe(true)
    // Written to the history, group included, before anything was sent.
    for (const j of jobs) expect(ledger.get(j.id)!.groupId).toBe(groupId)

    const done = await Promise.all(jobs.map((j) => studio.until(j.id, ['done', 'failed'])))
    expect(done.map((j) => j.state)).toEqual(['done', 'done', 'done', 'done'])
    expect(done.every((j) => j.saved && j.groupId === groupId)).toBe(true)
    expect(new Set(done.map((j) => j.video!.url)).size).toBe(4)
    const files = jobs.map((j) => core.fileFor(j.id)!)
    expect(new Set(files).size).toBe(4)
    expect(files.every((f) => existsSync(f))).toBe(true)

    const tasks = emulator.tasks()
    expect(tasks.map((t) => t.external_task_id).sort()).toEqual(
      jobs.map((j) => j.externalTaskId).sort(),
    )
    expect(tasks.map((t) => t.create_requests)).toEqual([1, 1, 1, 1])
    expect(new Set(tasks.map((t) => t.task_id))).toEqual(new Set(done.map((j) => j.taskId)))
  })

  it('one take has no group; a given external id with 3 takes becomes <id>-1 .. <id>-3', async () => {
    const { api, emulator } = studio
    const one = await api.tasks.create({ request: { prompt: 'a single take' } })
    expect(one.ok && one.data.map((j) => j.groupId)).toEqual([null])

    const three = await api.tasks.create({
      request: { prompt: 'a heron, three ways', external_task_id: 'ks-heron' },
      takes: 3,
    })
    if (!three.ok) throw new Error(three.error.message)
    expect(three.data.map((j) => j.externalTaskId)).toEqual([
      'ks-heron-1',
      'ks-heron-2',
      'ks-heron-3',
    ])
    expect(new Set(three.data.map((j) => j.groupId)).size).toBe(1)
    expect(three.data[0]!.groupId).not.toBeNull()
    for (const j of three.data) await studio.until(j.id, ['done'])
    expect(
      emulator
        .tasks()
        .map((t) => t.external_task_id)
        .filter((e) => e?.startsWith('ks-heron'))
        .sort(),
    ).toEqual(['ks-heron-1', 'ks-heron-2', 'ks-heron-3'])
  })

  it('refuses a Generate whose ids cannot all be had, whole: nothing written, nothing sent', async () => {
    const { api, emulator, ledger } = studio
    const first = await api.tasks.create({
      request: { prompt: 'takes the middle id', external_task_id: 'ks-clash-2' },
    })
    if (!first.ok) throw new Error(first.error.message)
    await studio.until(first.data[0]!.id, ['done'])
    const revision = ledger.revision()

    const clash = await api.tasks.create({
      request: { prompt: 'three takes, one id taken', external_task_id: 'ks-clash' },
      takes: 3,
    })
    expect(clash.ok).toBe(false)
    expect(!clash.ok && clash.error).toEqual({
      code: 'invalid_input',
      message: expect.stringMatching(/ks-clash-2 was already used.*ks-clash-1 to ks-clash-3/),
    })
    // Too long once suffixed: the service's limit is 128 characters.
    const long = await api.tasks.create({
      request: { prompt: 'two takes, an id at the limit', external_task_id: 'k'.repeat(127) },
      takes: 2,
    })
    expect(!long.ok && long.error.code).toBe('invalid_input')
    expect(!long.ok && long.error.message).toMatch(/at most 128 characters/)
    const tooMany = await api.tasks.create({ request: { prompt: 'five' }, takes: 5 })
    expect(!tooMany.ok && tooMany.error.message).toMatch(/takes must be a whole number from 1 to 4/)

    expect(ledger.revision()).toBe(revision)
    expect(ledger.list().total).toBe(1)
    expect(ledger.byExternalId('ks-clash-1')).toBeNull()
    expect(ledger.byExternalId('ks-clash-3')).toBeNull()
    expect(emulator.tasks().map((t) => t.external_task_id)).toEqual(['ks-clash-2'])
  })

  it('an id is spent by any Generate of it, whatever its number of takes', async () => {
    const { api, emulator } = studio
    const one = await api.tasks.create({
      request: { prompt: 'one take first', external_task_id: 'ks-again' },
    })
    if (!one.ok) throw new Error(one.error.message)
    // The same Generate again (a reload kept the draft's id) with three takes: a repeat.
    const three = await api.tasks.create({
      request: { prompt: 'one take first', external_task_id: 'ks-again' },
      takes: 3,
    })
    expect(!three.ok && three.error.message).toMatch(/ks-again was already used/)
    const many = await api.tasks.create({
      request: { prompt: 'three takes first', external_task_id: 'ks-twice' },
      takes: 3,
    })
    if (!many.ok) throw new Error(many.error.message)
    const single = await api.tasks.create({
      request: { prompt: 'three takes first', external_task_id: 'ks-twice' },
    })
    expect(!single.ok && single.error.message).toMatch(
      /ks-twice-1, ks-twice-2, ks-twice-3 were already used/,
    )
    await studio.until(one.data[0]!.id, ['done'])
    for (const j of many.data) await studio.until(j.id, ['done'])
    expect(
      emulator
        .tasks()
        .map((t) => t.external_task_id)
        .sort(),
    ).toEqual(['ks-again', 'ks-twice-1', 'ks-twice-2', 'ks-twice-3'])
  })
})
