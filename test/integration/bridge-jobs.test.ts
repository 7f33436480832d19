import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Api } from '../../src/shared/bridge'
import type { Job } from '../../src/shared/jobs'
import type { AppCore } from '../../src/main/app/app-core'
import { startEmulator, type Emulator } from '../../src/main/emulator/server'
import { handleMediaRequest } from '../../src/main/library/media-handler'
import { Ledger } from '../../src/main/tasks/ledger'
import { KEY, openBridge, waitForJob, type BridgeRig, type LoopbackIpc } from './bridge-rig'

// Jobs through the bridge (rig in bridge-rig.ts): the sandbox path without a key, notices in the
// settings' language, a new library folder, the real path with a key, a job that keeps its address.

let rig: BridgeRig
let dir: string
let emulator: Emulator
let ipc: LoopbackIpc
let core: AppCore
let api: Api
let actions: BridgeRig['actions']

beforeEach(async () => {
  rig = await openBridge()
  ;({ dir, emulator, ipc, core, api, actions } = rig)
})
afterEach(() => rig.close())

const untilJob = (id: string, states: string[]): Promise<Job> => waitForJob(api, id, states)

describe('the bridge', () => {
  it('runs the sandbox path without a key: create, watch updates, a saved video', async () => {
    const updates: Job[] = []
    api.on('tasks.updated', (job) => updates.push(job))
    const created = await api.tasks.create({
      request: { prompt: 'a sandbox lighthouse', aspect_ratio: '9:16' },
    })
    expect(created.ok && created.data).toHaveLength(1)
    const job = created.ok ? created.data[0]! : null
    expect(job!.groupId).toBeNull()
    expect(job!.sandbox).toBe(true)
    const done = await untilJob(job!.id, ['done', 'failed'])
    expect(done.state).toBe('done')
    expect(done.saved).toBe(true)
    const states = updates.filter((u) => u.id === job!.id).map((u) => u.state)
    expect(states).toEqual(expect.arrayContaining(['creating', 'submitted', 'downloading', 'done']))
    const revisions = updates.map((u) => u.revision)
    expect([...revisions].sort((a, b) => a - b)).toEqual(revisions)
    expect(JSON.stringify(updates)).not.toMatch(/library|\.mp4"/)
    expect(core.fileFor(job!.id)).toContain(join('library', 'Sandbox'))
    expect(actions.calls).toContain(`notify ${job!.id} Video ready`)

    // Only an unconfirmed create can be sent again; a finished one is refused, with the reason.
    const resend = await api.tasks.resend({ id: job!.id })
    expect(resend.ok ? null : resend.error.code).toBe('invalid_state')

    await api.library.startDrag({ id: job!.id })
    expect(actions.calls.some((c) => c.startsWith('drag ') && c.endsWith('.mp4'))).toBe(true)
    const list = await api.tasks.list({ sandbox: true })
    expect(list.ok && list.data.total).toBe(1)
    expect((await api.tasks.list({ sandbox: false })).ok).toBe(true)

    await api.library.delete({ id: job!.id })
    expect(actions.calls.filter((c) => c.startsWith('trash '))).toHaveLength(2)
    expect(
      (await readdir(join(dir, 'library', 'Sandbox'))).filter((n) => !n.startsWith('.')),
    ).toEqual([])
  })

  it('notifies in the language of the settings, and offers the folder picker at the library', async () => {
    await api.settings.update({ language: 'id' })
    const created = await api.tasks.create({ request: { prompt: 'sebuah mercusuar [fail]' } })
    if (!created.ok) throw new Error(created.error.message)
    await untilJob(created.data[0]!.id, ['failed'])
    expect(actions.calls).toContain(`notify ${created.data[0]!.id} Pembuatan video gagal`)
    const picked = await api.library.chooseFolder()
    expect(picked).toEqual({ ok: true, data: join(dir, 'library', 'picked') })
    expect(actions.calls).toContain(`choose ${join(dir, 'library')}`)
  })

  it('a new library folder applies at once, and videos saved before stay playable', async () => {
    const make = async (prompt: string) => {
      const created = await api.tasks.create({ request: { prompt } })
      if (!created.ok) throw new Error(created.error.message)
      return untilJob(created.data[0]!.id, ['done', 'failed'])
    }
    const first = await make('a harbour before the switch')
    const elsewhere = join(dir, 'elsewhere')
    const updated = await api.settings.update({ libraryFolder: elsewhere })
    expect(updated.ok).toBe(true)
    const info = await api.app.info()
    expect(info.ok && info.data.libraryFolder).toBe(elsewhere)
    const second = await make('a harbour after the switch')
    expect(second.state).toBe('done')
    expect(core.fileFor(second.id)!.startsWith(join(elsewhere, 'Sandbox'))).toBe(true)
    expect(core.fileFor(first.id)!.startsWith(join(dir, 'library'))).toBe(true)

    const play = (id: string, roots: string[]) =>
      handleMediaRequest(new Request(`media://video/${id}`), {
        roots,
        fileFor: (jobId) => core.fileFor(jobId),
      })
    expect((await play(first.id, core.mediaRoots())).status).toBe(200)
    expect((await play(second.id, core.mediaRoots())).status).toBe(200)
    // After a restart the history still knows the first folder.
    const reopened = new Ledger(join(dir, 'history.db'))
    expect(reopened.libraryRoots()).toEqual([join(dir, 'library'), elsewhere])
    reopened.close()
  })

  it('runs the real path with a key against the configured service, and tests the key', async () => {
    await api.key.set({ key: KEY })
    // A new address for the key is the person's call, asked in main's own dialog.
    const refused = await api.settings.update({ baseUrl: emulator.url })
    expect(refused).toMatchObject({ ok: false, error: { code: 'cancelled' } })
    expect(actions.calls).toContain(
      `confirm Send your CometAPI key to ${new URL(emulator.url).host}?`,
    )
    expect((await api.settings.get()).ok && (await api.settings.get())).toMatchObject({
      data: { baseUrl: 'https://api.cometapi.com' },
    })
    rig.confirmAnswer = true
    expect((await api.settings.update({ baseUrl: emulator.url })).ok).toBe(true)
    expect(await api.key.test()).toMatchObject({ ok: true, data: { valid: true } })
    const created = await api.tasks.create({
      request: { prompt: 'a real beach', external_task_id: 'ks-bridge-1' },
    })
    expect(created.ok && created.data.map((j) => j.sandbox)).toEqual([false])
    const done = await untilJob(created.ok ? created.data[0]!.id : '', ['done', 'failed'])
    expect(done).toMatchObject({ state: 'done', externalTaskId: 'ks-bridge-1', sandbox: false })
    expect(emulator.tasks()).toHaveLength(1)
    const dup = await api.tasks.create({
      request: { prompt: 'again', external_task_id: 'ks-bridge-1' },
    })
    expect(!dup.ok && dup.error.message).toMatch(/already used/)
    // The key never crossed to the page, in any answer or event.
    expect(JSON.stringify(ipc.sent)).not.toContain(KEY)
    expect(JSON.stringify(await api.key.status())).not.toContain(KEY)

    const strict = await startEmulator({ key: 'sk-some-other-key' })
    try {
      await api.settings.update({ baseUrl: strict.url })
      const test = await api.key.test()
      expect(test).toMatchObject({ ok: true, data: { valid: false } })
      expect(test.ok && test.data.requestId).toBeTruthy()
    } finally {
      await strict.close()
    }
  })

  it(
    'a job keeps its address: after a change in Settings it is followed where it was sent, and new jobs go to the new one',
    { timeout: 60_000 },
    async () => {
      await api.key.set({ key: KEY })
      rig.confirmAnswer = true
      const slow = await startEmulator({ timeScale: 60, seed: 8 })
      const next = await startEmulator({ timeScale: 600, seed: 9 })
      try {
        expect((await api.settings.update({ baseUrl: slow.url })).ok).toBe(true)
        const first = await api.tasks.create({ request: { prompt: 'sent to the first address' } })
        if (!first.ok) throw new Error(first.error.message)
        const running = await untilJob(first.data[0]!.id, ['submitted', 'processing'])
        expect(running.baseUrl).toBe(slow.url)
        expect((await api.settings.update({ baseUrl: next.url })).ok).toBe(true)
        const second = await api.tasks.create({ request: { prompt: 'sent to the second address' } })
        if (!second.ok) throw new Error(second.error.message)
        expect((await untilJob(second.data[0]!.id, ['done'])).baseUrl).toBe(next.url)
        // The first is still asked about at its own address, never created at the new one.
        expect(next.tasks().map((t) => t.external_task_id)).toEqual([
          second.data[0]!.externalTaskId,
        ])
        // The first is followed to its end at its own address, and created there once.
        let done: Job | null = null
        for (let i = 0; i < 120 && done === null; i++) {
          const res = await api.tasks.get({ id: first.data[0]!.id })
          if (res.ok && res.data.job.state === 'done') done = res.data.job
          else await new Promise((r) => setTimeout(r, 250))
        }
        expect(done?.baseUrl).toBe(slow.url)
        expect(slow.tasks()).toHaveLength(1)
        expect(slow.tasks()[0]!.create_requests).toBe(1)
      } finally {
        await core.stop()
        await slow.close()
        await next.close()
      }
    },
  )
})
