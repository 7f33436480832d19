// Memory a download's socket reads its body straight into, so the bytes are never copied between
// arriving and being written: blocks of BLOCK_BYTES, each read landing after the last in the
// current block, a block going back to a free list once every chunk read into it has been written
// (released). Memory is the blocks holding what is read and not yet written (the reader stops
// well before the drain's 8 MB ahead), plus at most KEEP_FREE blocks kept for reuse.

const BLOCK_BYTES = 2 * 1024 * 1024
/** A read gets at least this much room; a block with less left is closed and the next one begun. */
const READ_ROOM = 256 * 1024
/**
 * Free blocks kept for reuse (16 MB at most); more are left to the garbage collector. Fewer made
 * a slow disk's download allocate, and fault in, new blocks again and again.
 */
const KEEP_FREE = 8

interface Block {
  memory: Buffer
  /** Where the next read lands. */
  at: number
  /** Chunks read into it and not yet released. */
  out: number
}

export class ReadBlocks {
  private readonly byMemory = new Map<ArrayBufferLike, Block>()
  /** The chunks handed out and not yet released. */
  private readonly outstanding = new WeakSet<Uint8Array>()
  private readonly free: Block[] = []
  /** The block read into now; none until the first read (a body may not need one). */
  private current: Block | null = null

  /** Where the next read goes: the rest of the current block, or a new block. */
  room(): Buffer {
    if (!this.current || BLOCK_BYTES - this.current.at < READ_ROOM) {
      const done = this.current
      this.current = this.free.pop() ?? this.fresh()
      if (done) this.retire(done)
    }
    return this.current.memory.subarray(this.current.at)
  }

  /** The bytes a read put into `room`: theirs until released. */
  took(room: Buffer, bytes: number): Buffer {
    const block = this.byMemory.get(room.buffer)!
    block.at += bytes
    block.out++
    const chunk = room.subarray(0, bytes)
    this.outstanding.add(chunk)
    return chunk
  }

  /**
   * A chunk written: a block no chunk is out of, and no longer read into, is free again. Says
   * whether the chunk was one of these blocks' (its memory must then never be detached).
   */
  release(chunk: Uint8Array): boolean {
    const block = this.byMemory.get(chunk.buffer)
    if (!block) return false
    // Released twice: counting it again would free memory other chunks still wait to be written
    // from.
    if (!this.outstanding.delete(chunk)) return true
    block.out--
    if (block !== this.current) this.retire(block)
    return true
  }

  private fresh(): Block {
    const block = { memory: Buffer.allocUnsafeSlow(BLOCK_BYTES), at: 0, out: 0 }
    this.byMemory.set(block.memory.buffer, block)
    return block
  }

  private retire(block: Block): void {
    if (block.out > 0) return
    block.at = 0
    if (this.free.length < KEEP_FREE) this.free.push(block)
    else this.byMemory.delete(block.memory.buffer)
  }
}
