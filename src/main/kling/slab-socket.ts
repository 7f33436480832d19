import { connect as connectTcp, isIP, type OnReadOpts, type Socket } from 'node:net'
import { connect as connectTls, type ConnectionOptions } from 'node:tls'
import { ReadBlocks } from './read-blocks'

// A download's connection that reads into one buffer of its own, reused for every read (Node's
// `onread` option), and hands each read on as a 'data' event to node:http's parser, which copies
// the body out of it. Without it every read is a new buffer left for the garbage collector, and a
// 200 MB download grows the process by some 60 MB before V8 frees them. Whether the body is
// copied is checked on every chunk (`holds`): a Node whose parser passed the read buffer itself on
// is noticed, and node-get.ts then stops using this socket. Once the headers are parsed, a body
// of known length is read past the parser instead (`direct`), with no copy at all.

/**
 * One read's most. Node's own 64 KB made a loopback download spend twice curl's system time in
 * reads and wake-ups (0.5-0.7 s against 0.35-0.4 s for 600 MB); 256 KB brings it level.
 */
const SLAB_BYTES = 256 * 1024

/** Certificates trusted instead of the system's (a test's own server; never set otherwise). */
export interface TlsTrust {
  ca?: string | string[]
}

export interface SlabSocket {
  socket: Socket
  /** Whether a chunk is a view of the reused buffer (it would be overwritten by the next read). */
  holds(chunk: Uint8Array): boolean
  /**
   * From the read after the next (the next one already has the reused buffer, and goes to the
   * parser), the bytes bypass node:http's parser: read straight into memory of their own
   * (read-blocks.ts), with no copy, and handed to `take`. For a body whose length is known, once
   * its headers are parsed; the parser is never given another byte.
   */
  direct(take: (chunk: Buffer) => void): void
  /** A chunk `take` was given is written: its memory may be read into again (true: it was one). */
  release(chunk: Uint8Array): boolean
}

/** A plain or TLS connection to the URL's host, reading into one reused buffer. */
export function slabSocket(url: URL, tls: TlsTrust = {}): SlabSocket {
  const slab = Buffer.allocUnsafeSlow(SLAB_BYTES)
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  const secure = url.protocol === 'https:'
  const port = Number(url.port) || (secure ? 443 : 80)
  let blocks: ReadBlocks | null = null
  let take: ((chunk: Buffer) => void) | null = null
  const onread: OnReadOpts = {
    // Asked before every read: the reused buffer while the parser reads, then a block's room.
    buffer: () => (blocks ? blocks.room() : slab),
    callback: (bytes, buffer) => {
      // Read at once, synchronously, by the parser: the buffer is free again when this returns.
      if (buffer === slab || !blocks) socket.emit('data', slab.subarray(0, bytes))
      else take!(blocks.took(buffer as Buffer, bytes))
      return true
    },
  }
  const socket: Socket = secure
    ? connectTls({
        host,
        port,
        // A name is sent for the certificate to be chosen by, never an address.
        servername: isIP(host) ? undefined : host,
        ALPNProtocols: ['http/1.1'],
        ...tls,
        onread,
      } as ConnectionOptions)
    : connectTcp({ host, port, onread })
  return {
    socket,
    holds: (chunk) => chunk.buffer === slab.buffer,
    direct: (to) => {
      take = to
      blocks = new ReadBlocks()
    },
    release: (chunk) => blocks?.release(chunk) ?? false,
  }
}
