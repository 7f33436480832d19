import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readImageBytes, readImageFile, requireImage } from '../../src/main/inputs'
import { gif, jpeg, png, writeImage } from '../fixtures/images'
import { refusal } from '../fixtures/refusal'

// Images picked from disk or handed over as bytes: every image rule refused with its name and
// figures, before anything is stored; the format is read from the bytes, never from the name.

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-inputs-read-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('readImageFile', () => {
  it('reads a PNG and a JPEG with their facts and the absolute path as provenance', async () => {
    await writeImage(dir, 'a.png', png(640, 360))
    const read = await readImageFile('a.png', { cwd: dir })
    expect(read.facts).toMatchObject({ format: 'png', width: 640, height: 360 })
    expect(read.provenance).toEqual({ source: 'file', origin: join(dir, 'a.png') })

    const jpg = await writeImage(dir, 'b.jpg', jpeg(400, 300))
    expect((await readImageFile(jpg)).facts).toMatchObject({ format: 'jpeg', width: 400 })
  })

  it('refuses an image under 300x300 pixels, naming the rule and its figures', async () => {
    const file = await writeImage(dir, 'small.png', png(200, 150))
    const error = await refusal(readImageFile(file))
    expect(error.rule).toBe('image_pixels')
    expect(error.field).toBe('image')
    expect(error.message).toBe('image must be at least 300x300 pixels (it is 200x150)')
    expect(error.params).toMatchObject({ min: 300, width: 200, height: 150 })
  })

  it('refuses an aspect of 3:1', async () => {
    const file = await writeImage(dir, 'wide.jpg', jpeg(900, 300))
    const error = await refusal(readImageFile(file, { field: 'image_tail' }))
    expect(error.rule).toBe('image_aspect')
    expect(error.message).toBe(
      'image_tail must have an aspect ratio between 1:2.5 and 2.5:1 (it is 900x300)',
    )
  })

  it('names every rule an image breaks', async () => {
    const file = await writeImage(dir, 'strip.png', png(750, 100))
    const error = await refusal(readImageFile(file))
    expect(error.errors.map((e) => e.rule)).toEqual(['image_pixels', 'image_aspect'])
  })

  it('refuses a GIF, and a text file named .png', async () => {
    const g = await writeImage(dir, 'anim.gif', gif(400, 400))
    expect((await refusal(readImageFile(g))).rule).toBe('image_format')
    const fake = join(dir, 'notes.png')
    await writeFile(fake, 'not an image at all, only words\n')
    const error = await refusal(readImageFile(fake))
    expect(error.rule).toBe('image_format')
    expect(error.message).toBe('image must be a JPG or PNG image')
  })

  it('takes the format from the bytes: a JPEG named .png is a JPEG', async () => {
    const file = await writeImage(dir, 'really-a-jpeg.png', jpeg(500, 500))
    expect((await readImageFile(file)).facts.format).toBe('jpeg')
  })

  it('refuses a file over 10 MB from its size alone, without reading it', async () => {
    // A sparse file of 5 GB: reading it whole would take minutes and more memory than a Buffer has.
    const file = join(dir, 'huge.png')
    await writeFile(file, png(400, 400))
    const fh = await open(file, 'r+')
    await fh.truncate(5 * 1024 ** 3)
    await fh.close()
    const started = Date.now()
    const error = await refusal(readImageFile(file))
    expect(Date.now() - started).toBeLessThan(2000)
    expect(error.rule).toBe('image_bytes')
    expect(error.message).toBe('image must be at most 10 MB (it has 5120 MB)')
  })

  it('refuses an 11 MB PNG that is otherwise fine', async () => {
    const file = await writeImage(dir, 'padded.png', png(400, 400, { padTo: 11 * 1024 * 1024 }))
    const error = await refusal(readImageFile(file))
    expect(error.rule).toBe('image_bytes')
    expect(error.params).toMatchObject({ max: 10, size: 11 })
  })

  it('takes exactly 10 MB', async () => {
    const file = await writeImage(dir, 'ten.png', png(400, 400, { padTo: 10 * 1024 * 1024 }))
    expect((await readImageFile(file)).facts.bytes).toBe(10 * 1024 * 1024)
  })

  it('refuses a missing file and a folder clearly', async () => {
    const missing = await refusal(readImageFile(join(dir, 'nope.png')))
    expect(missing.rule).toBe('input_missing')
    expect(missing.message).toBe(`image names a file that does not exist: ${join(dir, 'nope.png')}`)

    await mkdir(join(dir, 'pictures.png'))
    const folder = await refusal(readImageFile('pictures.png', { cwd: dir }))
    expect(folder.rule).toBe('input_not_file')
    expect(folder.message).toContain('names a folder, not an image file')
  })
})

describe('readImageBytes (a frame the window captured)', () => {
  it('checks the bytes and keeps the given provenance', () => {
    const read = readImageBytes(png(480, 320), { source: 'frame', origin: '/lib/a.mp4#t=last' })
    expect(read.facts).toMatchObject({ format: 'png', width: 480, height: 320 })
    expect(read.provenance.source).toBe('frame')
  })

  it('refuses a frame too small, naming the field', () => {
    expect(() =>
      readImageBytes(png(240, 240), { source: 'frame', origin: 'x' }, { field: 'image_tail' }),
    ).toThrow('image_tail must be at least 300x300 pixels (it is 240x240)')
  })

  it('requireImage accepts the limits themselves: 300x300, and 2.5:1', () => {
    expect(requireImage(png(300, 300), 'image').width).toBe(300)
    expect(requireImage(png(750, 300), 'image').width).toBe(750)
    expect(requireImage(png(300, 750), 'image').height).toBe(750)
  })
})
