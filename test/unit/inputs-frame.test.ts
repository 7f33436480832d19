import { execFileSync } from 'node:child_process'
import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { frameOf, imageFacts, InputError, readFrame } from '../../src/main/inputs'

// A frame of a library video as an input image, taken by ffmpeg: at a time, or the very last
// frame (checked against decoding the whole clip). Without ffmpeg the error says what to do.

function hasFfmpeg(): boolean {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

const ffmpeg = hasFfmpeg()
if (!ffmpeg)
  console.warn('inputs-frame: ffmpeg is not on PATH; the frame tests that need it are skipped')

let dir: string
let video: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-inputs-frame-'))
  // A copy, as a video of the library: 720x720, 12 fps, 5 s, a clock drawn on every frame.
  video = join(dir, 'clip.mp4')
  await copyFile(resolve('resources/samples/1x1-5s.mp4'), video)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe.skipIf(!ffmpeg)('frameOf with ffmpeg', () => {
  it('takes the frame at a time as PNG bytes', async () => {
    const png = await frameOf(video, 1)
    expect(imageFacts(png)).toMatchObject({ format: 'png', width: 720, height: 720 })
    expect((await frameOf(video, 2.5)).equals(png)).toBe(false)
  })

  it('takes the very last frame: the one a full decode ends on', async () => {
    const last = await frameOf(video, 'last')
    const reference = join(dir, 'reference.png')
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-i',
      video,
      '-update',
      '1',
      '-c:v',
      'png',
      '-y',
      reference,
    ])
    expect(last.equals(await readFile(reference))).toBe(true)
    expect(last.equals(await frameOf(video, 4))).toBe(false)
  })

  it('takes the last frame of the picture when the sound runs on after it', async () => {
    // 2 s of picture, 5 s of sound: a second before the end of the file there is no frame.
    const clip = join(dir, 'long-sound.mp4')
    const lavfi = ['-f', 'lavfi', '-i']
    execFileSync('ffmpeg', [
      ...['-v', 'error', ...lavfi, 'testsrc2=size=320x320:rate=10:duration=2'],
      ...[...lavfi, 'sine=duration=5', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
      clip,
    ])
    const reference = join(dir, 'long-sound.png')
    execFileSync('ffmpeg', ['-v', 'error', '-i', clip, '-map', '0:v:0', '-update', '1', reference])
    expect((await frameOf(clip, 'last')).equals(await readFile(reference))).toBe(true)
  })

  it('says when the video has no frame at that time', async () => {
    const error = (await frameOf(video, 60).catch((e: unknown) => e)) as InputError
    expect(error).toBeInstanceOf(InputError)
    expect(error.rule).toBe('frame_unreadable')
    expect(error.message).toContain('the video has no frame at 60 s')
  })

  it('refuses what ffmpeg cannot read, and leaves no temp folder behind', async () => {
    const junk = join(dir, 'junk.mp4')
    await copyFile(resolve('package.json'), junk)
    const tmp = await mkdtemp(join(dir, 'tmp-'))
    const error = (await frameOf(junk, 0, { tmpDir: tmp }).catch((e: unknown) => e)) as InputError
    expect(error.rule).toBe('frame_unreadable')
    expect(error.message).toContain('ffmpeg could not read it')
    expect(await readdir(tmp)).toEqual([])
  })

  it('readFrame applies the image rules: a 240x240 frame is too small to send', async () => {
    const small = join(dir, 'small.mp4')
    execFileSync('ffmpeg', [
      ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=240x240:rate=10:duration=1'],
      ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', small],
    ])
    const error = (await readFrame(small, 'last').catch((e: unknown) => e)) as InputError
    expect(error.rule).toBe('image_pixels')
    expect(error.message).toBe('image must be at least 300x300 pixels (it is 240x240)')
  })

  it('readFrame takes the last frame of a sandbox sample as a sendable image', async () => {
    const image = await readFrame(video, 'last')
    expect(image.facts).toMatchObject({ width: 720, height: 720 })
  })
})

describe('frameOf without ffmpeg', () => {
  it('says to install ffmpeg or pick the frame in the app', async () => {
    const error = (await frameOf(video, 'last', { ffmpeg: join(dir, 'no-ffmpeg-here') }).catch(
      (e: unknown) => e,
    )) as InputError
    expect(error).toBeInstanceOf(InputError)
    expect(error.rule).toBe('ffmpeg_missing')
    expect(error.message).toContain('install ffmpeg, or pick the frame in the app')
  })

  it('refuses a missing video and a time that is not one', async () => {
    const missing = (await frameOf(join(dir, 'gone.mp4'), 1).catch((e: unknown) => e)) as InputError
    expect(missing.rule).toBe('input_missing')
    const negative = (await frameOf(video, -1).catch((e: unknown) => e)) as InputError
    expect(negative.rule).toBe('frame_time')
  })
})
