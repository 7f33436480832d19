import { describe, expect, it } from 'vitest'
import { ReadBlocks } from '../../src/main/kling/read-blocks'

// The memory a download's socket reads its body straight into (src/main/kling/read-blocks.ts):
// reads land one after another, a chunk is the reader's until it is released, a block comes back
// for reuse only when every chunk of it is written, and one read may fill a block whole.

// Buffers are compared by identity as booleans: a failing toBe would print megabytes.

/** A read of `bytes` into the next room, with a mark so overwriting would show. */
function read(blocks: ReadBlocks, bytes: number, mark: number): Buffer {
  const room = blocks.room()
  expect(room.length).toBeGreaterThanOrEqual(bytes)
  room.fill(mark, 0, bytes)
  return blocks.took(room, bytes)
}

describe('read blocks', () => {
  it('reads land after one another; nothing is read over while a chunk is out', () => {
    const blocks = new ReadBlocks()
    const chunks = Array.from({ length: 40 }, (_, i) => read(blocks, 200_000, i))
    // 8 MB in chunks of 200 KB, none released: every chunk still holds its own mark.
    chunks.forEach((chunk, i) => expect(chunk.every((b) => b === i)).toBe(true))
    expect(new Set(chunks.map((c) => c.buffer)).size).toBeGreaterThanOrEqual(4)
  })

  it('a block whose chunks are all written is read into again, and only then', () => {
    const blocks = new ReadBlocks()
    const first = read(blocks, 1_900_000, 1) // leaves less room than a read gets: next block
    const second = read(blocks, 1_000, 2)
    expect(second.buffer === first.buffer).toBe(false)
    const room = blocks.room()
    expect(room.buffer === second.buffer).toBe(true) // still room in the second
    expect(blocks.release(first)).toBe(true)
    const third = read(blocks, 1_900_000, 3) // fills the second: the first comes back
    expect(third.buffer === second.buffer).toBe(true)
    expect(blocks.room().buffer === first.buffer).toBe(true)
    expect(second.every((b) => b === 2)).toBe(true)
  })

  it('a read that fills a block whole is released, never detached, and its block reused', () => {
    const blocks = new ReadBlocks()
    const room = blocks.room()
    const whole = read(blocks, room.length, 7)
    expect(whole.byteOffset).toBe(0)
    expect(whole.byteLength).toBe(whole.buffer.byteLength)
    expect(blocks.release(whole)).toBe(true)
    expect(whole.byteLength).toBe(room.length)
    expect(whole.every((b) => b === 7)).toBe(true)
    // Full, it is set aside for the next block, and comes back after that one.
    const next = read(blocks, blocks.room().length, 8)
    expect(next.buffer === whole.buffer).toBe(false)
    expect(blocks.release(next)).toBe(true)
    expect(blocks.room().buffer === whole.buffer).toBe(true)
  })

  it('a chunk from elsewhere is not its own to take back', () => {
    expect(new ReadBlocks().release(Buffer.alloc(10))).toBe(false)
  })

  it('counts a chunk released twice once: its block is not read into under another', () => {
    const blocks = new ReadBlocks()
    const a = read(blocks, 1_900_000, 1)
    expect(blocks.release(a)).toBe(true)
    read(blocks, 1_000, 2) // a's block is full: set aside, free
    read(blocks, 1_900_000, 3)
    const d = read(blocks, 1_000, 4) // back in a's block, at its start
    expect(d.buffer === a.buffer).toBe(true)
    const e = read(blocks, 1_900_000, 5) // e waits to be written, in that block
    expect(blocks.release(d)).toBe(true)
    expect(blocks.release(a)).toBe(true) // a second time: e is still out
    read(blocks, 1_000, 6) // the block is full again: set aside, not free
    read(blocks, 1_900_000, 7)
    read(blocks, 2_000_000, 8) // a new block, not e's
    expect(e.every((b) => b === 5)).toBe(true)
  })
})
