// Two histories (two data folders) sharing one library folder: the clean-up of one never deletes
// the other's partial download while it may still be written or resumed (its job and worker are
// invisible to this history), only once untouched for a day. Real ledgers, real workers, real
// files.
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  FOREIGN_PART_MAX_AGE_MS,
  INCOMING_DIR,
  Library,
  type PartsInUse,
} from '../../src/main/library/library'
import { Ledger } from '../../src/main/tasks/ledger'
import { Worker } from '../../src/main/tasks/worker'

let dir: string
let open: { ledger: Ledger; worker: Worker }[]

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-stray-'))
  open = []
})
afterEach(async () => {
  for (const { ledger, worker } of open) {
    worker.stop()
    ledger.close()
  }
  await rm(dir, { recursive: true, force: true })
})

/** One data folder's history and the worker of a process working in it. */
async function history(name: string): Promise<{ ledger: Ledger; worker: Worker }> {
  await mkdir(join(dir, name), { recursive: true })
  const ledger = new Ledger(join(dir, name, 'history.db'))
  const worker = new Worker({ ledger, role: 'cli resume' })
  const h = { ledger, worker }
  open.push(h)
  return h
}

/** What the runner and `resume` hand the clean-up. */
const inUse = ({ ledger, worker }: { ledger: Ledger; worker: Worker }): PartsInUse => ({
  liveJobs: new Set(ledger.live().map((j) => j.id)),
  liveWorkers: worker.liveIds(),
  knownJob: (id) => ledger.get(id) !== null,
})

const incoming = () => join(dir, 'library', INCOMING_DIR)
const names = async () => (await readdir(incoming())).sort()
async function put(name: string, ageMs = 0): Promise<void> {
  await mkdir(incoming(), { recursive: true })
  const file = join(incoming(), name)
  await writeFile(file, Buffer.alloc(100, 1))
  const at = new Date(Date.now() - ageMs)
  await utimes(file, at, at)
}

describe('stray partial downloads in a shared library folder', () => {
  it('leaves a recent part of another history alone, removes its own and old ones', async () => {
    const library = new Library({ root: join(dir, 'library') })
    const a = await history('data-a')
    const b = await history('data-b')
    const ownEnded = a.ledger.create({ request: { prompt: 'mine' }, externalTaskId: 'ks-a1' })
    a.ledger.setState(ownEnded.id, 'failed')
    const theirs = b.ledger.create({ request: { prompt: 'theirs' }, externalTaskId: 'ks-b1' })
    const theirsOld = b.ledger.create({ request: { prompt: 'old' }, externalTaskId: 'ks-b2' })

    const day = FOREIGN_PART_MAX_AGE_MS
    await put(`${theirs.id}.${b.worker.id}.mp4.part`) // b's, being written now: kept
    await put(`${theirs.id}.mp4.part`, day / 2) // b's, from an older release, hours old: kept
    await put(`${theirsOld.id}.${b.worker.id}.mp4.part`, day + 60_000) // untouched a day: removed
    await put(`${ownEnded.id}.dead-worker.mp4.part`) // a's own ended job: removed at once

    const removed = await library.removeStrayParts(inUse(a))
    expect(removed).toBe(2)
    expect(await names()).toEqual(
      [`${theirs.id}.${b.worker.id}.mp4.part`, `${theirs.id}.mp4.part`].sort(),
    )

    // b's own clean-up keeps its live job's parts; once the job has ended, they go.
    expect(await library.removeStrayParts(inUse(b))).toBe(0)
    b.ledger.setState(theirs.id, 'failed')
    b.worker.stop() // its process ended
    expect(await library.removeStrayParts(inUse(b))).toBe(2)
    expect(await names()).toEqual([])
  })

  it('without knowing the history, keeps the old rule: only live workers and jobs are kept', async () => {
    const library = new Library({ root: join(dir, 'library') })
    await put('ended.other.mp4.part')
    await put('running.other.mp4.part')
    const removed = await library.removeStrayParts({
      liveWorkers: new Set(),
      liveJobs: new Set(['running']),
    })
    expect(removed).toBe(1)
    expect(await names()).toEqual(['running.other.mp4.part'])
  })
})
