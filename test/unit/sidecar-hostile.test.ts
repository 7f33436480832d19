import { execFile } from 'node:child_process'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sidecarFor } from '../../src/main/library/sidecar'
import { checkSidecar, SIDECAR_MAX_BYTES } from '../../src/main/library/sidecar-check'
import { readBounded } from '../../src/main/library/sidecar-scan'
import { job } from '../fixtures/job'

// A sidecar is a file anyone could have written: each field is checked (type, range, size) and
// the first bad one is named, and a file too large is refused by its size before any of it is read.

const NOW = Date.UTC(2026, 5, 1, 12)
const SHA = 'b'.repeat(64)

/** A sidecar as the app writes one, as parsed JSON, with `change` applied to its job. */
function sidecar(change: (j: Record<string, unknown>) => void = () => {}): Record<string, unknown> {
  const made = sidecarFor(
    job({
      id: 'job-1',
      taskId: '880000000000000001',
      externalTaskId: 'ks-1',
      state: 'done',
      saved: true,
      createdAt: NOW - 3_600_000,
      submittedAt: NOW - 3_500_000,
      finishedAt: NOW - 3_400_000,
      units: '2.5',
      request: { prompt: 'a heron over the lake', mode: 'pro', duration: '5' },
      video: { id: 'v-1', url: 'https://cdn.example/v-1.mp4', duration: '5.1' },
    }),
    'clip.mp4',
    1234,
  )
  const value = JSON.parse(JSON.stringify(made)) as Record<string, unknown>
  change(value.job as Record<string, unknown>)
  return value
}

const failure = (value: unknown) => {
  const checked = checkSidecar(value, NOW)
  return checked.ok ? null : { field: checked.field, message: checked.message }
}

describe('a sidecar, field by field', () => {
  it('takes the app’s own sidecar, rebuilt from checked fields only', () => {
    const value = sidecar((j) => (j.surprise = 'x'.repeat(10)))
    const checked = checkSidecar(value, NOW)
    expect(checked.ok).toBe(true)
    if (!checked.ok) return
    expect(checked.sidecar.job).toMatchObject({ id: 'job-1', units: '2.5', bytes: 1234 })
    expect(checked.sidecar.job).not.toHaveProperty('surprise')
  })

  it.each([
    ['a date of 1e300', (j: Record<string, unknown>) => (j.createdAt = 1e300), 'job.createdAt'],
    ['a date before 2020', (j: Record<string, unknown>) => (j.createdAt = 1), 'job.createdAt'],
    [
      'a date next year',
      (j: Record<string, unknown>) => (j.finishedAt = NOW + 400 * 86_400_000),
      'job.finishedAt',
    ],
    [
      'a date as text',
      (j: Record<string, unknown>) => (j.submittedAt = '2026-01-01'),
      'job.submittedAt',
    ],
    ['negative bytes', (j: Record<string, unknown>) => (j.bytes = -5), 'job.bytes'],
    ['fractional bytes', (j: Record<string, unknown>) => (j.bytes = 1.5), 'job.bytes'],
    ['an id with a slash', (j: Record<string, unknown>) => (j.id = '../other'), 'job.id'],
    ['a task id with a space', (j: Record<string, unknown>) => (j.taskId = '1 2'), 'job.taskId'],
    [
      'an external id of 129 characters',
      (j: Record<string, unknown>) => (j.externalTaskId = 'x'.repeat(129)),
      'job.externalTaskId',
    ],
    [
      'a strange group id',
      (j: Record<string, unknown>) => (j.groupId = '../../etc'),
      'job.groupId',
    ],
    ['infinite units', (j: Record<string, unknown>) => (j.units = 'Infinity'), 'job.units'],
    ['units of 1e400', (j: Record<string, unknown>) => (j.units = '1e400'), 'job.units'],
    [
      'a favourite that is text',
      (j: Record<string, unknown>) => (j.favourite = 'yes'),
      'job.favourite',
    ],
    ['an unknown kind', (j: Record<string, unknown>) => (j.kind = 'lip-sync'), 'job.kind'],
    [
      'a huge prompt',
      (j: Record<string, unknown>) => (j.request = { prompt: 'p'.repeat(200_000) }),
      'job.request.prompt',
    ],
    [
      'an unknown request field',
      (j: Record<string, unknown>) => (j.request = { prompt: 'x', evil: 1 }),
      'job.request.evil',
    ],
    [
      'a bad mode',
      (j: Record<string, unknown>) => (j.request = { prompt: 'x', mode: 'max' }),
      'job.request.mode',
    ],
    [
      'a video url that is not http',
      (j: Record<string, unknown>) =>
        (j.video = { id: 'v', url: 'file:///etc/passwd', duration: '5' }),
      'job.video.url',
    ],
    [
      'a video duration that is a number',
      (j: Record<string, unknown>) => (j.video = { id: 'v', url: 'https://x/v.mp4', duration: 5 }),
      'job.video.duration',
    ],
  ])('refuses %s, naming the field', (_, change, field) => {
    const said = failure(sidecar(change))
    expect(said?.field).toBe(field)
    expect(said?.message).toMatch(new RegExp(field.replace(/[.[\]]/g, '\\$&')))
    // The value itself is never echoed back.
    expect(said!.message.length).toBeLessThan(400)
  })

  it('refuses a video that is a path, a hidden file or not an MP4', () => {
    for (const video of [
      '../x.mp4',
      'a/b.mp4',
      '.incoming.mp4',
      'clip.exe',
      'clip\u001b[2J.mp4',
      42,
    ])
      expect(failure({ ...sidecar(), video })?.field).toBe('video')
  })

  it('refuses inputs that are not the request’s own images', () => {
    const value = sidecar((j) => {
      j.kind = 'image2video'
      j.request = { image: `input:${SHA}.png` }
    })
    const good = { at: 'image', ref: `input:${SHA}.png`, file: `Inputs/${SHA}.png` }
    expect(checkSidecar({ ...value, inputs: [good] }, NOW).ok).toBe(true)
    expect(failure({ ...value, inputs: [{ ...good, file: '../../secret.png' }] })?.field).toBe(
      'inputs[0]',
    )
    expect(failure({ ...value, inputs: [{ ...good, at: 'image_tail' }] })?.field).toBe('inputs[0]')
    expect(failure({ ...value, inputs: Array(9).fill(good) })?.field).toBe('inputs')
  })

  it('takes a followed task’s unknown request, and a version 1 sidecar without a kind', () => {
    expect(
      checkSidecar(
        sidecar((j) => (j.request = { prompt: '' })),
        NOW,
      ).ok,
    ).toBe(true)
    const old = sidecar((j) => delete j.kind)
    expect(checkSidecar({ ...old, version: 1 }, NOW).ok).toBe(true)
  })

  it('refuses a newer version, and says someone else’s JSON is not ours', () => {
    expect(failure({ ...sidecar(), version: 99 })).toMatchObject({ field: 'version' })
    const foreign = checkSidecar({ name: 'my notes' }, NOW)
    expect(foreign).toMatchObject({ ok: false, foreign: true })
  })
})

describe('reading a sidecar file', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kling-sidecar-read-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('refuses a 300 MB file by its size, reading none of it', async () => {
    const big = join(dir, 'big.json')
    // Sparse: 300 MB long, no disk taken.
    await promisify(execFile)('truncate', ['-s', '300M', big])
    expect((await stat(big)).size).toBe(300 * 1024 * 1024)
    const read = await readBounded(big, SIDECAR_MAX_BYTES)
    expect(read).toMatchObject({ kind: 'refused', reason: 'too_large' })
  })

  it('refuses a file one byte over the limit, takes one at the limit', async () => {
    const over = join(dir, 'over.json')
    await writeFile(over, 'x'.repeat(SIDECAR_MAX_BYTES + 1))
    expect(await readBounded(over, SIDECAR_MAX_BYTES)).toMatchObject({ reason: 'too_large' })
    const at = join(dir, 'at.json')
    await writeFile(at, 'y'.repeat(SIDECAR_MAX_BYTES))
    const read = await readBounded(at, SIDECAR_MAX_BYTES)
    expect(read.kind === 'text' && read.text.length).toBe(SIDECAR_MAX_BYTES)
  })

  it('does not wait on a named pipe, and refuses text that is not UTF-8', async () => {
    const fifo = join(dir, 'pipe.json')
    await promisify(execFile)('mkfifo', [fifo])
    expect(await readBounded(fifo, SIDECAR_MAX_BYTES)).toMatchObject({ reason: 'unreadable' })
    const latin = join(dir, 'latin.json')
    await writeFile(latin, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))
    expect(await readBounded(latin, SIDECAR_MAX_BYTES)).toMatchObject({ reason: 'not_json' })
  })
})
