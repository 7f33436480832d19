import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readTaskResponse } from '../../src/main/kling/parse'
import { Ledger } from '../../src/main/tasks/ledger'
import { committedSince } from '../../src/main/tasks/ledger-spend'

// A charge is stored only once the task has ended (succeed or failed) and only when the gateway
// sent a number of units (finite, 0 or more): a "" or "0" sent while the task still runs must not
// make the job count as charged 0 and drop its pending estimate. Answers go through the real
// parser, then the ledger, then the spend figures.

let dir: string
let ledger: Ledger
const NOW = Date.UTC(2026, 10, 30, 5, 0)

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kling-units-'))
  ledger = new Ledger(join(dir, 'history.db'), () => NOW)
})
afterEach(async () => {
  ledger.close()
  await rm(dir, { recursive: true, force: true })
})

/** A query answer of CometAPI's shape with this status and final_unit_deduction (raw JSON). */
function answer(status: string, units: string | undefined) {
  const videos = status === 'succeed' ? '[{"id":"v1","url":"https://cdn.example/v1.mp4"}]' : '[]'
  const deduction = units === undefined ? '' : `,"final_unit_deduction":${units}`
  return readTaskResponse({
    status: 200,
    headers: { get: () => null },
    text: `{"code":0,"message":"SUCCEED","data":{"task_id":"880","task_status":"${status}",
      "task_result":{"videos":${videos}}${deduction}}}`,
  })
}

describe('final_unit_deduction as read', () => {
  it('is kept only when it is a number of units', () => {
    expect(answer('succeed', '"3.5"').final_unit_deduction).toBe('3.5')
    expect(answer('succeed', '" 2 "').final_unit_deduction).toBe('2')
    expect(answer('succeed', '1.5').final_unit_deduction).toBe('1.5')
    expect(answer('failed', '0').final_unit_deduction).toBe('0')
    for (const junk of ['""', '"abc"', '"-1"', '-1', '"0x10"', '"1,5"', 'null', 'true'])
      expect(answer('succeed', junk).final_unit_deduction).toBeNull()
    expect(answer('succeed', undefined).final_unit_deduction).toBeNull()
  })
})

describe('a charge is stored once the task has ended', () => {
  const job = () =>
    ledger.create({
      request: { prompt: 'a kite', mode: 'pro' }, // kling-v1 pro 5 s: 3.5 units
      externalTaskId: `ks-${Math.random()}`,
      createdAt: NOW,
    })

  it('a running task reporting "0" or "" stays pending at its estimate', () => {
    const a = job()
    const b = job()
    ledger.applyTask(a.id, answer('processing', '"0"'))
    ledger.applyTask(b.id, answer('submitted', '""'))
    expect(ledger.get(a.id)!.units).toBeNull()
    expect(ledger.get(b.id)!.units).toBeNull()
    expect(committedSince(ledger, NOW)).toEqual({ charged: 0, pending: 7, unknown: 0 })
  })

  it('a task that ends reports its charge; a failed one may be charged 0', () => {
    const a = job()
    const b = job()
    ledger.applyTask(a.id, answer('processing', '"0"'))
    ledger.applyTask(a.id, answer('succeed', '"3.5"'))
    ledger.applyTask(b.id, answer('failed', '"0"'))
    expect(ledger.get(a.id)).toMatchObject({ state: 'downloading', units: '3.5' })
    expect(ledger.get(b.id)).toMatchObject({ state: 'failed', units: '0' })
    expect(committedSince(ledger, NOW)).toEqual({ charged: 3.5, pending: 0, unknown: 0 })
  })

  it('a charge that arrives after the status did is still stored; junk never replaces it', () => {
    const a = job()
    ledger.applyTask(a.id, answer('succeed', undefined))
    expect(ledger.get(a.id)!.units).toBeNull()
    expect(committedSince(ledger, NOW)).toEqual({ charged: 0, pending: 3.5, unknown: 0 })
    ledger.applyTask(a.id, answer('succeed', '"3.5"'))
    expect(ledger.get(a.id)!.units).toBe('3.5')
    ledger.applyTask(a.id, answer('succeed', '""'))
    expect(ledger.get(a.id)!.units).toBe('3.5')
    expect(committedSince(ledger, NOW)).toEqual({ charged: 3.5, pending: 0, unknown: 0 })
  })
})
