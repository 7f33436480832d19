import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { validateRequest } from '../../src/shared/kling'
import {
  InputError,
  InputStore,
  prepareImages,
  splitImageList,
  type InputMeta,
} from '../../src/main/inputs'
import { jpeg, png, writeImage } from '../fixtures/images'

// The command line's --image, --image-tail and --images: URLs fetched, paths read, every image
// checked before any is kept, and the answer is input names a stored request takes.

let server: Server
let base: string
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/remote.jpg')
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg(800, 600))
    else res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})

let dir: string
let recorded: InputMeta[]
let store: InputStore
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-inputs-prepare-'))
  recorded = []
  store = new InputStore({ root: () => join(dir, 'library'), record: (m) => void recorded.push(m) })
  await writeImage(dir, 'first.png', png(640, 360))
  await writeImage(dir, 'last.jpg', jpeg(640, 360))
  await writeImage(dir, 'tiny.png', png(100, 100))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('prepareImages', () => {
  it('turns --image FILE and --image-tail URL into input names with provenance', async () => {
    const images = await prepareImages(
      { image: 'first.png', imageTail: `${base}/remote.jpg` },
      { store, cwd: dir },
    )
    expect(images.image).toMatch(/^input:[0-9a-f]{64}\.png$/)
    expect(images.image_tail).toMatch(/^input:[0-9a-f]{64}\.jpg$/)
    expect(recorded.map((m) => [m.source, m.origin])).toEqual([
      ['file', join(dir, 'first.png')],
      ['url', `${base}/remote.jpg`],
    ])
    expect(validateRequest('image2video', { prompt: 'walk on', ...images }).ok).toBe(true)
  })

  it('takes --images A,B,C in order, paths and URLs mixed', async () => {
    const images = await prepareImages(
      { images: `first.png, ${base}/remote.jpg,${pathToFileURL(join(dir, 'last.jpg')).href}` },
      { store, cwd: dir },
    )
    expect(images.image_list).toHaveLength(3)
    expect(images.image_list![1]!.image).toMatch(/\.jpg$/)
    expect(validateRequest('multi-image2video', { prompt: 'p', ...images }).ok).toBe(true)
  })

  it('keeps nothing when one image breaks a rule, and names its field', async () => {
    const error = (await prepareImages(
      { images: ['first.png', 'last.jpg', 'tiny.png'] },
      { store, cwd: dir },
    ).catch((e: unknown) => e)) as InputError
    expect(error).toBeInstanceOf(InputError)
    expect(error.rule).toBe('image_pixels')
    expect(error.field).toBe('image_list[2].image')
    expect(recorded).toEqual([])
    await expect(readdir(join(dir, 'library'))).rejects.toThrow()
  })

  it('refuses a list of one or five before reading anything', async () => {
    const one = (await prepareImages({ images: 'first.png' }, { store, cwd: dir }).catch(
      (e: unknown) => e,
    )) as InputError
    expect(one.rule).toBe('image_count')
    expect(one.message).toBe('image_list must hold 2 to 4 images (it has 1)')
    const five = (await prepareImages({ images: 'a,b,c,d,e' }, { store, cwd: dir }).catch(
      (e: unknown) => e,
    )) as InputError
    expect(five.params).toMatchObject({ count: 5 })
  })

  it('says which value was a URL it cannot read', async () => {
    const error = (await prepareImages({ image: `${base}/gone.png` }, { store, cwd: dir }).catch(
      (e: unknown) => e,
    )) as InputError
    expect(error.rule).toBe('url_unreadable')
    expect(error.message).toBe(`image is an unreadable URL: ${base}/gone.png (HTTP 404)`)
    const ftp = (await prepareImages({ image: 'ftp://host/a.png' }, { store }).catch(
      (e: unknown) => e,
    )) as InputError
    expect(ftp.rule).toBe('url_unreadable')
  })

  it('splitImageList trims and drops empty parts', () => {
    expect(splitImageList(' a.png ,, b.jpg ,')).toEqual(['a.png', 'b.jpg'])
    expect(splitImageList(['x,y.png', 'z.png'])).toEqual(['x,y.png', 'z.png'])
  })
})
