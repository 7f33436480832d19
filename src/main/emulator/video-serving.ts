import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { pipeline, Transform } from 'node:stream'
import { contentRange, parseRange } from '../library/byte-range'
import type { EmulatorContext } from './context'
import { HTML_404 } from './envelopes'
import { sampleFile } from './samples'
import { snapshot } from './task-store'

// GET/HEAD /__emulator/videos/<task id>.mp4: a finished task's result, the sample of its shape,
// with byte ranges, an optional speed limit, and download faults that cut the body short.

/** Passes bytes on at a steady rate. */
function throttle(bytesPerSecond: number): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      setTimeout(() => done(null, chunk), (chunk.length / bytesPerSecond) * 1000)
    },
  })
}

export async function serveVideo(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  taskId: string,
): Promise<void> {
  const task = ctx.store.byTaskId(taskId)
  if (!task || snapshot(task, Date.now()).status !== 'succeed') {
    res.writeHead(404, { 'content-type': 'text/html' })
    return void res.end(HTML_404)
  }
  const file =
    ctx.options.resultFile ?? sampleFile(ctx.samplesDir, task.shape.ratio, task.shape.seconds)
  const { size } = await stat(file)
  const range = parseRange(req.headers.range, size)
  if (range.kind === 'unsatisfiable') {
    res.writeHead(416, { 'content-range': `bytes */${size}`, 'accept-ranges': 'bytes' })
    return void res.end()
  }
  const start = range.kind === 'partial' ? range.start : 0
  const end = range.kind === 'partial' ? range.end : size - 1
  const headers: Record<string, string> = {
    'content-type': 'video/mp4',
    'accept-ranges': 'bytes',
    'content-length': String(end - start + 1),
  }
  if (range.kind === 'partial') headers['content-range'] = contentRange(start, end, size)
  res.writeHead(range.kind === 'partial' ? 206 : 200, headers)
  if (req.method === 'HEAD') return void res.end()
  if (ctx.downloadFaults.next() !== null) {
    // A connection dropped mid-download: half of what was promised, then nothing.
    const cut = start + Math.max(1, Math.floor((end - start + 1) / 2)) - 1
    const stream = createReadStream(file, { start, end: cut })
    stream.pipe(res, { end: false })
    stream.on('end', () => res.socket?.destroy())
    return
  }
  const source = createReadStream(file, { start, end, highWaterMark: 4096 })
  const rate = ctx.options.downloadBytesPerSecond
  // pipeline, not pipe: a client that goes away must close the file too.
  const done = () => {}
  if (rate) pipeline(source, throttle(rate), res, done)
  else pipeline(source, res, done)
}
