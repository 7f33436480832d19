import { createHash } from 'node:crypto'
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { validateRequest } from '../../src/shared/kling'
import {
  checkMasks,
  factsFromStore,
  InputStore,
  wireBody,
  type InputMeta,
} from '../../src/main/inputs'
import { jpeg, png } from '../fixtures/images'
import { refusal } from '../fixtures/refusal'

// The Inputs folder: one file per picture by content hash, written whole or not at all, read back
// only while it matches its name; provenance handed to the ledger; base64 only on the wire; and
// masks the size of their image.

let library: string
let recorded: InputMeta[]
let store: InputStore
const fromFile = (origin: string) => ({ source: 'file' as const, origin })
const url0 = 'https://example.com/first.png'

beforeEach(async () => {
  library = await mkdtemp(join(tmpdir(), 'kling-inputs-store-'))
  recorded = []
  store = new InputStore({
    root: () => library,
    record: (m) => void recorded.push(m),
    now: () => 42,
  })
})
afterEach(async () => {
  await rm(library, { recursive: true, force: true })
})

describe('InputStore', () => {
  it('keeps an image once by its hash, under Inputs, and names it input:<sha256>.png', async () => {
    const bytes = png(640, 360)
    const sha = createHash('sha256').update(bytes).digest('hex')
    const first = await store.put(bytes, fromFile('/photos/a.png'))
    expect(first.ref).toBe(`input:${sha}.png`)
    expect(first.file).toBe(join(library, 'Inputs', `${sha}.png`))
    expect(first.reused).toBe(false)
    const before = await stat(first.file)

    const again = await store.put(Buffer.from(bytes), fromFile('/elsewhere/copy.png'))
    expect(again.ref).toBe(first.ref)
    expect(again.reused).toBe(true)
    // Reused, not rewritten; and no temp file is left behind.
    const after = await stat(first.file)
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs])
    expect(await readdir(join(library, 'Inputs'))).toEqual([`${sha}.png`])
  })

  it('names a JPEG .jpg, from its bytes', async () => {
    const { ref, file } = await store.put(jpeg(400, 400), fromFile('/x/named-wrong.png'))
    expect(ref).toMatch(/^input:[0-9a-f]{64}\.jpg$/)
    expect(file.endsWith('.jpg')).toBe(true)
  })

  it('records provenance for the ledger on every put', async () => {
    const { file } = await store.put(png(500, 400), fromFile('/photos/a.png'))
    await store.put(png(500, 400), { source: 'url', origin: 'https://example.com/a.png' })
    expect(recorded).toHaveLength(2)
    expect(recorded[0]).toEqual({
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      ext: 'png',
      bytes: png(500, 400).length,
      width: 500,
      height: 400,
      file,
      source: 'file',
      origin: '/photos/a.png',
      addedAt: 42,
    })
    expect(recorded[1]).toMatchObject({ source: 'url', origin: 'https://example.com/a.png' })
  })

  it('checks the image before writing anything', async () => {
    const error = await refusal(store.put(png(200, 150), fromFile('/a.png')))
    expect(error.rule).toBe('image_pixels')
    expect(recorded).toEqual([])
    await expect(readdir(join(library, 'Inputs'))).rejects.toThrow()
  })

  it('gives the bytes and base64 back, round trip', async () => {
    const bytes = jpeg(333, 444)
    const { ref } = await store.put(bytes, fromFile('/a.jpg'))
    expect(Buffer.compare(await store.bytes(ref), bytes)).toBe(0)
    expect(Buffer.from(await store.base64(ref), 'base64').equals(bytes)).toBe(true)
    expect(await store.base64(ref)).not.toMatch(/^data:/)
    expect(await store.factsOf(ref)).toMatchObject({ format: 'jpeg', width: 333, height: 444 })
  })

  it('refuses a missing or an altered file, naming the input', async () => {
    const { ref, file } = await store.put(png(400, 400), fromFile('/a.png'))
    await writeFile(file, png(400, 401))
    const altered = await refusal(store.bytes(ref, 'image_tail'))
    expect(altered.rule).toBe('input_altered')
    expect(altered.field).toBe('image_tail')
    expect(altered.message).toContain(ref)

    await rm(file)
    const missing = await refusal(store.base64(ref))
    expect(missing.rule).toBe('input_not_stored')
    expect(missing.message).toContain(`image ${ref} is not in the library's Inputs folder`)

    expect((await refusal(store.bytes('input:abc.png'))).rule).toBe('input_ref')
  })

  it('mends an altered file when the same image is added again', async () => {
    const bytes = png(400, 400)
    const { ref, file } = await store.put(bytes, fromFile('/a.png'))
    await writeFile(file, 'garbage')
    expect((await store.put(bytes, fromFile('/a.png'))).reused).toBe(false)
    expect((await store.bytes(ref)).equals(bytes)).toBe(true)
  })

  it('finds a file kept under an earlier library folder through lookup', async () => {
    const { ref, file, meta } = await store.put(png(400, 400), fromFile('/a.png'))
    const moved = await mkdtemp(join(tmpdir(), 'kling-inputs-moved-'))
    try {
      const later = new InputStore({
        root: () => moved,
        lookup: (sha) => (sha === meta.sha256 ? { file } : null),
      })
      expect(await later.fileOf(ref)).toBe(file)
      expect((await later.bytes(ref)).length).toBe(meta.bytes)
      const without = new InputStore({ root: () => moved })
      expect((await refusal(without.fileOf(ref))).rule).toBe('input_not_stored')
    } finally {
      await rm(moved, { recursive: true, force: true })
    }
  })
})

describe('wireBody', () => {
  it('inlines inputs as base64 and leaves URLs as URLs', async () => {
    const a = await store.put(png(640, 360), fromFile('/a.png'))
    const b = await store.put(jpeg(640, 360), fromFile('/b.jpg'))
    const url = 'https://example.com/c.png'
    const stored = { prompt: 'p', image_list: [{ image: a.ref }, { image: url }, { image: b.ref }] }
    expect(validateRequest('multi-image2video', stored).ok).toBe(true)
    const wire = await wireBody('multi-image2video', stored, store)
    expect(wire.image_list[0]!.image).toBe(png(640, 360).toString('base64'))
    expect(wire.image_list[1]!.image).toBe(url)
    expect(wire.image_list[2]!.image).toBe(jpeg(640, 360).toString('base64'))
    expect(stored.image_list[0]!.image).toBe(a.ref)
    expect(validateRequest('multi-image2video', wire, { form: 'wire' }).ok).toBe(true)
  })

  it('names the field of an input that is gone', async () => {
    const { ref, file } = await store.put(png(640, 360), fromFile('/a.png'))
    await rm(file)
    const error = await refusal(wireBody('image2video', { image: url0, image_tail: ref }, store))
    expect(error.field).toBe('image_tail')
  })
})

describe('checkMasks', () => {
  it('refuses a mask whose size differs from the image, naming the rule', async () => {
    const image = await store.put(png(640, 360), fromFile('/a.png'))
    const same = await store.put(png(640, 360, { rgb: [255, 255, 255] }), fromFile('/m.png'))
    const other = await store.put(png(600, 360, { rgb: [0, 0, 0] }), fromFile('/n.png'))
    const request = {
      image: image.ref,
      static_mask: same.ref,
      dynamic_masks: [
        {
          mask: same.ref,
          trajectories: [
            { x: 1, y: 1 },
            { x: 2, y: 2 },
          ],
        },
        {
          mask: other.ref,
          trajectories: [
            { x: 1, y: 1 },
            { x: 2, y: 2 },
          ],
        },
      ],
    }
    const errors = await checkMasks('image2video', request, factsFromStore(store))
    expect(errors).toEqual([
      {
        field: 'dynamic_masks[1].mask',
        message:
          'dynamic_masks[1].mask must have the same size as image, 640x360 pixels (it is 600x360)',
        rule: 'mask_size',
        params: { width: 640, height: 360, maskWidth: 600, maskHeight: 360 },
      },
    ])
  })

  it('passes matching masks, and leaves sizes it cannot know (URLs) to the service', async () => {
    const image = await store.put(png(640, 360), fromFile('/a.png'))
    const facts = factsFromStore(store)
    expect(
      await checkMasks('image2video', { image: image.ref, static_mask: image.ref }, facts),
    ).toEqual([])
    expect(await checkMasks('image2video', { image: url0, static_mask: image.ref }, facts)).toEqual(
      [],
    )
    expect(await checkMasks('image2video', { image: image.ref, static_mask: url0 }, facts)).toEqual(
      [],
    )
    expect(await checkMasks('text2video', { prompt: 'x' }, facts)).toEqual([])
  })
})
