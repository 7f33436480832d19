import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { JobState } from '../../src/shared/jobs'
import type { DesktopActions } from '../../src/main/app/desktop'
import { LibraryService } from '../../src/main/app/library-service'
import { InputStore } from '../../src/main/inputs/input-store'
import { Library } from '../../src/main/library/library'
import { PosterStore } from '../../src/main/library/posters'
import { Ledger } from '../../src/main/tasks/ledger'
import { openStudio, type StudioUnderTest } from './takes-app'

// Deleting (moving to the trash) a job that is still being made: refused, because its create may
// have been paid for and a deleted job's video would never be fetched; the job goes on and its
// video arrives. A job still waiting here is dropped the way Cancel drops it: gone from the
// history and from every engine, never sent. Through the real contract, services, ledger on disk
// and an emulator on loopback; the video's download is held open by the test, not by a clock.

let studio: StudioUnderTest | null = null
/** Lets a held download go (also when a test failed before it did). */
let releaseHeld: () => void = () => {}
afterEach(async () => {
  releaseHeld()
  await studio?.close()
  studio = null
})

const BEING_MADE =
  /it is being made \(.*\) and was paid for when it was sent\. Wait until it finishes or fails/

/** A fetch whose video downloads wait until `release` is called; every other request goes through. */
function heldDownloads() {
  let release!: () => void
  const released = new Promise<void>((r) => (release = r))
  const fetchHeld = async (input: string, init: RequestInit) => {
    if (new URL(input).pathname.startsWith('/__emulator/videos/')) await released
    return fetch(input, init)
  }
  return { fetchHeld, release }
}

describe('library.delete of a job being made', () => {
  it('is refused while its video is on its way; the video still arrives, and then it can go', async () => {
    const held = heldDownloads()
    releaseHeld = held.release
    const trashed: string[] = []
    studio = await openStudio({ libraryFetch: held.fetchHeld, trashed })
    const { api, emulator, ledger, events } = studio
    const created = await api.tasks.create({ request: { prompt: 'paid for, then trashed' } })
    if (!created.ok) throw new Error(created.error.message)
    const id = created.data[0]!.id
    await studio.until(id, ['downloading'])

    const refused = await api.library.delete({ id })
    expect(refused).toEqual({
      ok: false,
      error: { code: 'invalid_state', message: expect.stringMatching(BEING_MADE) },
    })
    expect(ledger.get(id)!.state).toBe('downloading')
    expect(events.some((e) => e.name === 'tasks.removed')).toBe(false)

    held.release()
    const done = await studio.until(id, ['done', 'failed'])
    expect(done).toMatchObject({ state: 'done', saved: true })
    const file = ledger.get(id)!.file!
    expect(existsSync(file)).toBe(true)
    expect(emulator.tasks().map((t) => t.create_requests)).toEqual([1])

    // Finished: it goes to the trash like any other.
    expect(await api.library.delete({ id })).toEqual({ ok: true })
    expect(trashed).toContain(file)
    expect(ledger.get(id)).toBeNull()
  })

  it('drops a job still waiting here from the history and the engine: it is never sent', async () => {
    studio = await openStudio()
    const { api, emulator, ledger, events } = studio
    await api.queue.pause()
    const gone = await api.tasks.create({ request: { prompt: 'waits, then is trashed' } })
    const kept = await api.tasks.create({ request: { prompt: 'waits, then runs' } })
    if (!gone.ok || !kept.ok) throw new Error('create refused')
    const [a, b] = [gone.data[0]!, kept.data[0]!]
    expect(await api.queue.stats()).toMatchObject({ ok: true, data: { queued: 2 } })

    expect(await api.library.delete({ id: a.id })).toEqual({ ok: true })
    expect(ledger.get(a.id)).toBeNull()
    expect(events.filter((e) => e.name === 'tasks.removed')).toEqual([
      { name: 'tasks.removed', payload: { id: a.id } },
    ])
    // The engine let go of it too: one left in line.
    expect(await api.queue.stats()).toMatchObject({ ok: true, data: { queued: 1 } })

    await api.queue.resume()
    expect((await studio.until(b.id, ['done', 'failed'])).state).toBe('done')
    expect(emulator.tasks().map((t) => t.external_task_id)).toEqual([b.externalTaskId])
  })
})

describe('library.delete refuses every state of a job being made', () => {
  let dir: string
  let ledger: Ledger

  afterEach(async () => {
    ledger.close()
    await rm(dir, { recursive: true, force: true })
  })

  it.each<JobState>(['creating', 'submitted', 'processing', 'downloading', 'needs_attention'])(
    '%s',
    async (state) => {
      dir = await mkdtemp(join(tmpdir(), 'kling-delete-'))
      ledger = new Ledger(join(dir, 'history.db'))
      const library = new Library({ root: join(dir, 'library') })
      const cancelled: string[] = []
      const service = new LibraryService({
        ledger,
        library,
        actions: {
          trash: async () => {
            throw new Error('nothing may be trashed')
          },
        } as unknown as DesktopActions,
        emit: () => {
          throw new Error('nothing may be announced')
        },
        posters: new PosterStore({ folder: join(dir, 'posters'), videoFor: () => null }),
        inputs: new InputStore({ root: () => library.root }),
        runner: {
          cancel: (id) => {
            cancelled.push(id)
            return ledger.removeQueued(id)
          },
        },
      })
      const job = ledger.create({ request: { prompt: state }, externalTaskId: `ks-${state}` })
      ledger.setState(job.id, state)
      const before = ledger.get(job.id)
      await expect(service.handlers()['library.delete']({ id: job.id })).rejects.toMatchObject({
        code: 'invalid_state',
        message: expect.stringMatching(BEING_MADE),
      })
      expect(ledger.get(job.id)).toEqual(before)
      expect(cancelled).toEqual([])
    },
  )

  it('keeps a finished job whose video is fetched again while its file goes to the trash', async () => {
    dir = await mkdtemp(join(tmpdir(), 'kling-delete-'))
    ledger = new Ledger(join(dir, 'history.db'))
    const library = new Library({ root: join(dir, 'library') })
    const job = ledger.create({ request: { prompt: 'fetched again' }, externalTaskId: 'ks-again' })
    const announced: string[] = []
    const service = new LibraryService({
      ledger,
      library,
      actions: {
        // Download again lands while the file is on its way to the trash.
        trash: async () => void ledger.setState(job.id, 'downloading'),
      } as unknown as DesktopActions,
      emit: (name: string) => void announced.push(name),
      posters: new PosterStore({ folder: join(dir, 'posters'), videoFor: () => null }),
      inputs: new InputStore({ root: () => library.root }),
      runner: { cancel: (id) => ledger.removeQueued(id) },
    })
    const file = join(dir, 'library', 'clip.mp4')
    await mkdir(join(dir, 'library'), { recursive: true })
    await writeFile(file, 'video')
    ledger.setSaved(job.id, file, 5)
    ledger.setState(job.id, 'done')
    await expect(service.handlers()['library.delete']({ id: job.id })).rejects.toMatchObject({
      code: 'invalid_state',
      message: expect.stringMatching(BEING_MADE),
    })
    expect(ledger.get(job.id)?.state).toBe('downloading')
    expect(announced).toEqual([])
  })
})
