import { mkdtemp, rm, unlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { AppCore } from '../../src/main/app/app-core'
import { startEmulator, type Emulator } from '../../src/main/emulator/server'
import { KlingClient } from '../../src/main/kling/client'
import { Library } from '../../src/main/library/library'
import { MemorySecretStore } from '../../src/main/secrets/secret-store'
import { JsonSettingsStore } from '../../src/main/settings/settings-store'
import { Ledger } from '../../src/main/tasks/ledger'

// What a launch does with finished jobs whose video is not on disk: fetched again while the link
// can still live (30 days), marked expired past that, never left looking broken.

let dir: string
let emulator: Emulator

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-start-'))
  emulator = await startEmulator({ timeScale: 1000 })
})
afterEach(async () => {
  await emulator.close()
  await rm(dir, { recursive: true, force: true })
})

it('refetches missing videos whose links live, and marks older ones expired', async () => {
  const ledger = new Ledger(join(dir, 'history.db'))
  const library = new Library({ root: join(dir, 'library') })
  const client = new KlingClient({ baseUrl: emulator.url, apiKey: 'k' })
  const settings = new JsonSettingsStore(join(dir, 'config.json'))
  settings.update({ baseUrl: emulator.url })

  // A task that finished an hour ago, whose file was deleted by hand.
  const recent = ledger.create({ request: { prompt: 'recent' }, externalTaskId: 'ks-recent' })
  const created = await client.videos.create('text2video', {
    prompt: 'recent',
    external_task_id: 'ks-recent',
  })
  let finished = created
  while (finished.task_status !== 'succeed') {
    await new Promise((r) => setTimeout(r, 20))
    finished = await client.videos.get('text2video', created.task_id)
  }
  ledger.applyTask(recent.id, finished)
  const saved = await library.save(ledger.get(recent.id)!)
  ledger.setSaved(recent.id, saved.file, saved.bytes)
  await unlink(saved.file)

  // A task that finished 40 days ago and was never saved: its link is gone for good.
  const old = ledger.create({ request: { prompt: 'old' }, externalTaskId: 'ks-old' })
  const longAgo = Date.now() - 40 * 86_400_000
  ledger.applyTask(old.id, {
    ...finished,
    task_id: '1',
    created_at: longAgo - 200_000,
    updated_at: longAgo,
  })

  const core = new AppCore({
    ledger,
    library,
    secrets: new MemorySecretStore('sk-start-test-key'),
    settings,
    actions: {
      reveal: () => {},
      open: async () => {},
      startDrag: () => {},
      trash: async () => {},
      notify: () => {},
      chooseImage: async () => null,
      chooseFolder: async () => null,
      confirm: async () => false,
    },
    emit: () => {},
    startEmulator,
    info: { version: 't', platform: 'linux' },
  })
  await core.start()
  for (let i = 0; i < 200 && ledger.get(recent.id)!.state !== 'done'; i++)
    await new Promise((r) => setTimeout(r, 20))
  await core.stop()
  expect(ledger.get(recent.id)).toMatchObject({ state: 'done', saved: true })
  expect(await library.exists(ledger.get(recent.id)!.file)).toBe(true)
  expect(ledger.get(old.id)).toMatchObject({ state: 'expired', saved: false })
  expect(emulator.tasks()).toHaveLength(1)
  ledger.close()
})
