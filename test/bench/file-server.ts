import { createReadStream, statSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

// A plain static file server for the download benchmark, run as a process of its own so it is
// never what limits a download: one file, read in 1 MB pieces, Content-Length set, Range taken.
// Standalone, Node modules only, erasable types: node --experimental-strip-types file-server.ts
// <file> prints "listening <port>" and serves that file at every path until it is stopped.

const file = process.argv[2]
if (!file) {
  console.error('usage: file-server.ts <file>')
  process.exit(2)
}
const size = statSync(file).size
const READ = 1024 * 1024

const server = createServer((req, res) => {
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '')
  const start = range ? Number(range[1]) : 0
  if (start >= size && size > 0) {
    res.writeHead(416, { 'content-range': `bytes */${size}` }).end()
    return
  }
  res.writeHead(range ? 206 : 200, {
    'content-type': 'video/mp4',
    'content-length': size - start,
    'accept-ranges': 'bytes',
    ...(range ? { 'content-range': `bytes ${start}-${size - 1}/${size}` } : {}),
  })
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  createReadStream(file, { start, highWaterMark: READ }).pipe(res)
})
server.listen(0, '127.0.0.1', () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`)
})
process.on('SIGTERM', () => process.exit(0))
// Ends with the process that started it, even one that was killed: its end closes our stdin.
process.stdin.on('close', () => process.exit(0)).resume()
