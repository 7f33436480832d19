import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppCore } from '../../src/main/app/app-core'
import { startEmulator } from '../../src/main/emulator/server'
import { Library } from '../../src/main/library/library'
import { MemorySecretStore } from '../../src/main/secrets/secret-store'
import { JsonSettingsStore } from '../../src/main/settings/settings-store'
import { Ledger } from '../../src/main/tasks/ledger'
import { isLive, type Job } from '../../src/shared/jobs'
import { runIn } from '../fixtures/cli'
import { fakeDesktop } from '../fixtures/app-core'
import { b64, leaksOf } from '../fixtures/key-forms'

// A hostile server repeats the Authorization header it was sent, in every form (raw, base64,
// URL-encoded, JSON-escaped, in a task's status message, an error's message, a web page's title):
// the key must then be nowhere the app or the command line stores, emits, logs or prints.

const KEY = 'sk-Echo$(.*+?)[^]{|}\\0123456789abcXYZ/=%&"'
const leaks = leaksOf(KEY)

/** Everything the server could say, built from the header it saw. */
function echoOf(auth: string): string {
  const key = auth.replace(/^Bearer /, '')
  return [
    `auth=${auth}`,
    `raw=${key}`,
    `b64=${b64(auth)}`,
    `b64key=${b64(key)}`,
    `url=${encodeURIComponent(auth)}`,
    `json=${JSON.stringify({ auth })}`,
  ].join(' ')
}

function hostileServer(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const auth = req.headers.authorization ?? ''
    const key = auth.replace(/^Bearer /, '')
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      const json = (status: number, value: unknown) => {
        res.writeHead(status, {
          'content-type': 'application/json',
          'x-request-id': `r-${b64(key)}`,
        })
        res.end(JSON.stringify(value))
      }
      const task = (id: string, status: string, external: unknown) => ({
        code: 0,
        message: echoOf(auth),
        request_id: `req-${b64(key)}`,
        data: {
          task_id: id,
          task_status: status,
          task_status_msg: echoOf(auth),
          task_info: { external_task_id: external },
          task_result:
            status === 'succeed'
              ? {
                  videos: [
                    {
                      id: '1',
                      url: `http://127.0.0.1:9/v.mp4?k=${encodeURIComponent(key)}`,
                      duration: '5',
                    },
                  ],
                }
              : {},
        },
      })
      if (req.method === 'POST') {
        const sent = JSON.parse(body) as { prompt?: string; external_task_id?: string }
        if (sent.prompt === 'envelope')
          return json(401, {
            error: {
              message: `${echoOf(auth)} (request id: q-${b64(key)})`,
              type: 'invalid_api_key',
            },
          })
        if (sent.prompt === 'html') {
          res.writeHead(403, { 'content-type': 'text/html' })
          return res.end(
            `<html><head><title>Forbidden ${auth.replace(/&/g, '&amp;')}</title></head></html>`,
          )
        }
        return json(200, task('echo-failed', 'submitted', sent.external_task_id ?? null))
      }
      const id = decodeURIComponent(req.url!.split('?')[0]!.split('/').pop()!)
      if (id === 'echo-failed') return json(200, task(id, 'failed', null))
      if (id === 'echo-succeed') return json(200, task(id, 'succeed', null))
      json(404, {
        code: 1202,
        message: `no task; you sent ${echoOf(auth)}`,
        request_id: `n-${b64(key)}`,
      })
    })
  })
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () =>
      done({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }),
    ),
  )
}

/** Every file under a folder, as text (a database's bytes read as latin1 keep ASCII as is). */
async function allFiles(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  const texts = await Promise.all(
    entries.filter((e) => e.isFile()).map((e) => readFile(join(e.parentPath, e.name), 'latin1')),
  )
  return texts.join('\n')
}

let hostile: { url: string; server: Server }
let dir: string
beforeAll(async () => {
  hostile = await hostileServer()
  dir = await mkdtemp(join(tmpdir(), 'kling-key-echo-'))
})
afterAll(async () => {
  await new Promise((r) => hostile.server.close(r))
  await rm(dir, { recursive: true, force: true })
})

describe('a server that echoes the key', () => {
  it('the app stores, emits and logs none of it', async () => {
    const home = join(dir, 'app')
    await mkdir(home, { recursive: true })
    const ledger = new Ledger(join(home, 'history.db'))
    const events: unknown[] = []
    const log: string[] = []
    const core = new AppCore({
      ledger,
      library: new Library({ root: join(home, 'library') }),
      secrets: new MemorySecretStore(),
      settings: new JsonSettingsStore(join(home, 'config.json')),
      actions: fakeDesktop(),
      emit: (name, payload) => void events.push({ name, payload }),
      startEmulator: (o) => startEmulator(o),
      info: { version: '0.0.0-test', platform: 'linux' },
      log: (line) => void log.push(line),
    })
    await core.start()
    const h = core.handlers()
    const answers: unknown[] = []
    try {
      await h['key.set']({ key: KEY })
      await h['settings.update']({ baseUrl: hostile.url })
      // key.test answers, or throws what the window would be told: either is checked.
      answers.push(
        await Promise.resolve()
          .then(() => h['key.test']())
          .catch((e: Error) => ({ thrown: e.message, stack: e.stack })),
      )

      const jobs: Job[] = []
      for (const prompt of ['failed', 'envelope', 'html'])
        jobs.push(...(await h['tasks.create']({ request: { prompt } })))
      for (const job of jobs) {
        let now = (await h['tasks.get']({ id: job.id })).job
        for (let i = 0; i < 500 && isLive(now.state); i++) {
          if (now.state === 'submitted' || now.state === 'processing')
            await Promise.resolve(h['tasks.recheck']({ id: job.id })).catch(() => {})
          await new Promise((r) => setTimeout(r, 20))
          now = (await h['tasks.get']({ id: job.id })).job
        }
        expect(now.state).toBe('failed')
        answers.push(await h['tasks.get']({ id: job.id }))
      }
      answers.push(await h['tasks.list']({}))
      const said = JSON.stringify({ answers, events })
      // The server's words did arrive, cleaned: the test would pass vacuously otherwise.
      expect(said).toContain('auth=Bearer [key]')
      expect(said).toMatch(/b64=\[key\]/)
      expect(said).toContain('Forbidden Bearer [key]')
      expect(leaks(said)).toEqual([])
      expect(leaks(log.join('\n'))).toEqual([])
    } finally {
      await core.stop()
      ledger.close()
    }
    const stored = await allFiles(home)
    expect(stored).toContain('auth=Bearer [key]')
    expect(leaks(stored)).toEqual([])
  })

  it('the command line prints and keeps none of it', async () => {
    const home = join(dir, 'cli')
    const env = { COMETAPI_KEY: KEY, COMETAPI_BASE_URL: hostile.url }
    const runs = [
      await runIn(home, ['generate', 'failed', '--wait'], env),
      await runIn(home, ['generate', 'failed', '--wait', '--json'], env),
      await runIn(home, ['generate', 'envelope', '--json'], env),
      await runIn(home, ['generate', 'html'], env),
      await runIn(home, ['status', 'echo-succeed', '--json'], env),
      await runIn(home, ['status', 'echo-failed'], env),
      await runIn(home, ['status', 'no-such-task'], env),
    ]
    const printed = runs.map((r) => `${r.stdout}\n${r.stderr}`).join('\n')
    expect(runs.map((r) => r.code)).toEqual([1, 1, 3, 3, 0, 1, 3])
    expect(printed).toContain('auth=Bearer [key]')
    expect(printed).toContain('v.mp4?k=[key]')
    expect(leaks(printed)).toEqual([])
    const stored = await allFiles(home)
    expect(leaks(stored)).toEqual([])
  })
})
