import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Api } from '../../src/shared/bridge'
import { CALLS, channelFor } from '../../src/shared/contract'
import type { MemorySecretStore } from '../../src/main/secrets/secret-store'
import { APP_URL, KEY, openBridge, type BridgeRig, type LoopbackIpc } from './bridge-rig'

// What crosses the bridge (rig in bridge-rig.ts): the contract as named functions, answers in
// envelopes, refusals of bad input, of foreign senders and of what the page may not decide, events.

let rig: BridgeRig
let dir: string
let ipc: LoopbackIpc
let api: Api
let secrets: MemorySecretStore

beforeEach(async () => {
  rig = await openBridge()
  ;({ dir, ipc, api, secrets } = rig)
})
afterEach(() => rig.close())

describe('the bridge', () => {
  it('exposes exactly the contract as named functions, frozen', () => {
    const names = Object.keys(CALLS).map((n) => n.split('.'))
    for (const [group, method] of names)
      expect(
        typeof (api as unknown as Record<string, Record<string, unknown>>)[group!]![method!],
      ).toBe('function')
    expect(Object.keys(api).sort()).toEqual([...new Set(names.map(([g]) => g!)), 'on'].sort())
    expect(Object.isFrozen(api)).toBe(true)
    expect(Object.isFrozen(api.tasks)).toBe(true)
    expect(ipc.handlers.size).toBe(Object.keys(CALLS).length)
    for (const name of Object.keys(CALLS))
      expect(ipc.handlers.has(channelFor(name as keyof typeof CALLS))).toBe(true)
  })

  it('round-trips calls in envelopes', async () => {
    const info = await api.app.info()
    expect(info).toEqual({
      ok: true,
      data: expect.objectContaining({
        version: '0.0.0-test',
        sandbox: true,
        sandboxReason: 'no_key',
      }),
    })
    expect(await api.key.status()).toEqual({
      ok: true,
      data: { set: false, last4: null, storage: 'memory', warning: null },
    })
    const set = await api.key.set({ key: KEY })
    expect(set).toEqual({
      ok: true,
      data: { set: true, last4: '4242', storage: 'memory', warning: null },
    })
    expect(await secrets.get()).toBe(KEY)
    const settings = await api.settings.update({ concurrency: 5, theme: 'dark' })
    expect(settings.ok && settings.data.concurrency).toBe(5)
    expect(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'))).toMatchObject({
      concurrency: 5,
      theme: 'dark',
    })
    const info2 = await api.app.info()
    expect(info2.ok && info2.data.sandbox).toBe(false)
  })

  it('answers invalid input with an invalid_input envelope, never a throw', async () => {
    const empty = await api.tasks.create({ request: { prompt: '' } })
    expect(empty).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/prompt/) },
    })
    const ratio = await api.tasks.create({ request: { prompt: 'x', aspect_ratio: '5:4' as never } })
    expect(!ratio.ok && ratio.error.message).toMatch(/aspect_ratio must be one of/)
    const traversal = await api.tasks.get({ id: '../../etc/passwd' })
    expect(!traversal.ok && traversal.error.code).toBe('invalid_input')
    const badSetting = await api.settings.update({ concurrency: 99 })
    expect(!badSetting.ok && badSetting.error.message).toMatch(
      /concurrency must be a whole number from 1 to 10/,
    )
    const unknown = await api.settings.update({ colour: 'red' } as never)
    expect(!unknown.ok && unknown.error.message).toMatch(/unknown setting/)
    const missing = await api.tasks.get({ id: 'no-such-job' })
    expect(missing).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'No job no-such-job' },
    })
    // Restart calls only the app process answers: where it is not (this core alone), said plainly.
    expect(await api.app.restart()).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'app.restart is not available here' },
    })
    const shortKey = await api.key.set({ key: 'abc' })
    expect(!shortKey.ok && shortKey.error.code).toBe('invalid_input')
    expect(await secrets.get()).toBeNull()
  })

  it('refuses a foreign sender and a sub-frame', async () => {
    ipc.frame = { url: 'https://evil.example/', parent: null }
    expect(await api.app.info()).toEqual({
      ok: false,
      error: { code: 'forbidden', message: expect.any(String) },
    })
    ipc.frame = { url: APP_URL, parent: {} }
    expect(await api.key.set({ key: KEY })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    })
    ipc.frame = null
    expect(await api.app.info()).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await secrets.get()).toBeNull()
  })

  it('delivers events as the payload alone, and unsubscribes', async () => {
    const seen: unknown[][] = []
    const off = api.on('settings.changed', (...args: unknown[]) => seen.push(args))
    await api.settings.update({ notifications: false })
    expect(seen).toHaveLength(1)
    expect(seen[0]).toHaveLength(1)
    expect(seen[0]![0]).toMatchObject({ notifications: false })
    expect(JSON.stringify(seen)).not.toContain('ipc-event-object')
    off()
    await api.settings.update({ notifications: true })
    expect(seen).toHaveLength(1)
    expect(ipc.listeners.get('kling:event:settings.changed')?.size ?? 0).toBe(0)
    expect(() => api.on('nonsense' as never, () => {})).toThrow(/unknown event/)
  })

  it('refuses what the page may not decide: where the key goes, a whole disk, a bad re-run', async () => {
    for (const baseUrl of ['http://api.example.com', 'https://api.cometapi.com@evil.example']) {
      const res = await api.settings.update({ baseUrl })
      expect(res.ok ? null : res.error.code).toBe('invalid_input')
    }
    const root = await api.settings.update({ libraryFolder: '/' })
    expect(root.ok ? null : root.error.message).toMatch(/not a whole disk or the home folder/)
    const created = await api.tasks.create({ request: { prompt: 'a heron' } })
    if (!created.ok) throw new Error(created.error.message)
    for (const changes of [
      { prompt: 42 },
      { duration: '7' },
      { callback_url: 'file:///etc/passwd' },
    ]) {
      const rerun = await api.tasks.rerun({ id: created.data[0]!.id, changes } as never)
      expect(rerun.ok ? null : rerun.error.code).toBe('invalid_input')
    }
    expect((await api.key.set({ key: 'sk-with-nul\u0000-inside' })).ok).toBe(false)
  })
})
