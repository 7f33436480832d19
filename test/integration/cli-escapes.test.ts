import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { terminalLines, terminalText } from '../../src/main/cli/terminal-text'
import { runIn, type Run } from '../fixtures/cli'

// A hostile server answers with terminal escapes in its task messages and error messages (clear
// the screen, turn red, the one-byte C1 CSI, a window title). The command line's human output
// prints the words, never the escapes; its --json output stays exact JSON.

const HOSTILE = 'policy \u001b[2J\u001b[31mred\u009b2Jtext \u001b]0;owned\u0007 done\r\nnext'
/** ESC, the C1 controls, and every C0 control but the line break. */
// eslint-disable-next-line no-control-regex -- control characters are what this test looks for
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/

let dir: string
let server: Server
let base: string

/** Kling's answers, every word of them hostile. */
function hostileServer(): Server {
  return createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    const failed = (taskId: string) => ({
      code: 0,
      message: 'SUCCEED',
      request_id: `req-task-${taskId}`,
      data: {
        task_id: taskId,
        task_status: 'failed',
        task_status_msg: HOSTILE,
        task_info: {},
        task_result: {},
        created_at: Date.now() - 60_000,
        updated_at: Date.now(),
      },
    })
    const url = req.url ?? ''
    if (req.method === 'POST') {
      let body = ''
      req.on('data', (chunk: Buffer) => (body += chunk.toString()))
      req.on('end', () => {
        // A prompt that asks to be refused is refused outright: no task was made.
        if (body.includes('refuse me'))
          return send(400, { code: 1201, message: HOSTILE, request_id: 'req-refused-1' })
        send(200, {
          code: 0,
          message: 'SUCCEED',
          request_id: 'req-created-555',
          data: { task_id: '555', task_status: 'submitted', created_at: Date.now() },
        })
      })
      return
    }
    if (url.endsWith('/123') || url.endsWith('/555')) return send(200, failed(url.slice(-3)))
    return send(401, { code: 1002, message: HOSTILE, request_id: 'req-denied-1' })
  })
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-cli-escapes-'))
  server = hostileServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise((done) => server.close(done))
  await rm(dir, { recursive: true, force: true })
})

const run = (args: string[]) =>
  runIn(dir, args, { COMETAPI_KEY: 'escape-key', COMETAPI_BASE_URL: base })

function clean(r: Run): void {
  const all = r.stdout + r.stderr
  expect(all, JSON.stringify(all)).not.toMatch(UNSAFE)
}

describe('text from a server, printed for a person', () => {
  it('status: the task message keeps its words and loses its escapes', async () => {
    const r = await run(['status', '123'])
    expect(r.code).toBe(1)
    clean(r)
    expect(r.stdout).toContain('policy redtext')
    expect(r.stdout).toMatch(/done +next/)
    expect(r.stdout).toContain('req-task-123')
  })

  it('generate --wait: a failed task’s message, and the prompt in list, print without escapes', async () => {
    const r = await run(['generate', 'harbour \u001b[2Jat dawn\u009b31m', '--wait'])
    expect(r.code).toBe(1)
    clean(r)
    expect(r.stdout).toContain('policy redtext')
    expect(r.stdout).toContain('prompt: harbour at dawn')
    const listed = await run(['list'])
    expect(listed.code, listed.stderr).toBe(0)
    clean(listed)
    expect(listed.stdout).toContain('harbour at dawn')
  })

  it('an error answer: its message keeps its words and its request id, without escapes', async () => {
    const refused = await run(['generate', 'refuse me', '--wait'])
    expect(refused.code).toBe(3)
    clean(refused)
    expect(refused.stderr).toContain('policy redtext')
    expect(refused.stderr).toContain('req-refused-1')
    const denied = await run(['status', '999'])
    expect(denied.code).toBe(3)
    clean(denied)
    expect(denied.stderr).toContain('req-denied-1')
  })

  it('--json stays exact: the escapes are JSON-escaped, not lost', async () => {
    const r = await run(['status', '123', '--json'])
    expect(r.stdout).not.toContain('\u001b')
    expect((JSON.parse(r.stdout) as { task_status_msg: string }).task_status_msg).toBe(HOSTILE)
  })
})

describe('terminalText', () => {
  it('strips CSI, OSC, DCS and two-byte escapes, C1 controls and DEL; keeps the words', () => {
    expect(terminalText('a\u001b[1;31mb\u001b[0mc')).toBe('abc')
    expect(terminalText('x\u001b]8;;https://evil.example\u001b\\link\u001b]8;;\u001b\\y')).toBe(
      'xlinky',
    )
    expect(terminalText('t\u001bPq#0;2;0;0;0\u001b\\u')).toBe('tu')
    expect(terminalText('reset\u001bc now\u001b7 saved')).toBe('reset now saved')
    expect(terminalText('c1\u009b2J \u009d0;title\u009c end\u0085\u007f')).toBe('c1  end')
    expect(terminalText('unended \u001b]0;title forever')).toBe('unended ')
    expect(terminalText('tab\tand\nline\rbreak')).toBe('tab and line break')
    expect(terminalText('emoji 🐟 and ümlaut stay')).toBe('emoji 🐟 and ümlaut stay')
  })

  it('terminalLines keeps our line breaks and cleans each line', () => {
    expect(terminalLines('one\u001b[2K\ntwo\u0007\r\nthree')).toBe('one\ntwo\nthree')
  })
})
