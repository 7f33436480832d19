import { afterEach, describe, expect, it } from 'vitest'
import type { Api } from '../../src/shared/bridge'
import { sendFirstCalls, takeFirstCalls } from '../../src/renderer/src/first-calls'

// The first view's three calls, sent by the page's first script and taken once by the shell.

function fakeApi(answer: (name: string) => Promise<unknown>) {
  const sent: string[] = []
  const method = (name: string) => () => {
    sent.push(name)
    return answer(name)
  }
  const api = {
    app: { info: method('app.info') },
    settings: { get: method('settings.get') },
    key: { status: method('key.status') },
  } as unknown as Api
  return { api, sent }
}

const ok = (name: string) => Promise.resolve({ ok: true, data: name })

afterEach(() => {
  // Nothing left for the next test to take.
  takeFirstCalls(fakeApi(ok).api)
})

describe('first calls', () => {
  it('are sent early once and taken once; a second boot sends its own', async () => {
    const page = fakeApi(ok)
    sendFirstCalls(page.api)
    expect(page.sent).toEqual(['app.info', 'settings.get', 'key.status'])
    const taken = takeFirstCalls(page.api)
    expect(page.sent).toHaveLength(3)
    expect(await taken.info).toEqual({ ok: true, data: 'app.info' })
    expect(await taken.settings).toEqual({ ok: true, data: 'settings.get' })
    expect(await taken.key).toEqual({ ok: true, data: 'key.status' })
    const again = takeFirstCalls(page.api)
    expect(page.sent).toHaveLength(6)
    expect(await again.key).toEqual({ ok: true, data: 'key.status' })
  })

  it('without the bridge, nothing is sent and nothing throws; the shell sends them', async () => {
    expect(() => sendFirstCalls(undefined)).not.toThrow()
    const shell = fakeApi(ok)
    const taken = takeFirstCalls(shell.api)
    expect(shell.sent).toEqual(['app.info', 'settings.get', 'key.status'])
    expect(await taken.info).toEqual({ ok: true, data: 'app.info' })
  })

  it('a bridge that throws leaves nothing half sent for the shell', () => {
    const broken = {
      app: {
        info: () => {
          throw new Error('no bridge')
        },
      },
    } as unknown as Api
    expect(() => sendFirstCalls(broken)).not.toThrow()
    const shell = fakeApi(ok)
    takeFirstCalls(shell.api)
    expect(shell.sent).toHaveLength(3)
  })

  it('a call that fails before the shell takes it is the shell’s to see, not unhandled', async () => {
    const failing = fakeApi(() => Promise.reject(new Error('main went away')))
    sendFirstCalls(failing.api)
    // Longer than the page waits before it reports a rejection nobody handled.
    await new Promise((r) => setTimeout(r, 20))
    const taken = takeFirstCalls(failing.api)
    await expect(taken.info).rejects.toThrow('main went away')
    await expect(taken.key).rejects.toThrow('main went away')
  })
})
