// Memory a download's socket reads its body straight into, so the bytes are never copied between
// arriving and being written: blocks of BLOCK_BYTES, each read landing after the last in the
// current block, a block going back to a small free list once every chunk read into it has been
// written (released). Memory stays at the few blocks that hold what is read and not yet written.

const BLOCK_BYTES = 2 * 1024 * 1024
/** A read gets at least this much room; a block with less left is closed and the next one begun. */
const READ_ROOM = 256 * 1024
/** Free blocks kept for reuse; more are left to the garbage collector. */
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
  private readonly free: Block[] = []
  private current: Block = this.fresh()

  /** Where the next read goes: the rest of the current block, or a new block. */
  room(): Buffer {
    if (BLOCK_BYTES - this.current.at < READ_ROOM) {
      const done = this.current
      this.current = this.free.pop() ?? this.fresh()
      this.retire(done)
    }
    return this.current.memory.subarray(this.current.at)
  }

  /** The bytes a read put into `room`: theirs until released. */
  took(room: Buffer, bytes: number): Buffer {
    const block = this.byMemory.get(room.buffer)!
    block.at += bytes
    block.out++
    return room.subarray(0, bytes)
  }

  /**
   * A chunk written: a block no chunk is out of, and no longer read into, is free again. Says
   * whether the chunk was one of these blocks' (its memory must then never be detached).
   */
  release(chunk: Uint8Array): boolean {
    const block = this.byMemory.get(chunk.buffer)
    if (!block) return false
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
