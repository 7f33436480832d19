import { describe, expect, it } from 'vitest'
import { contentRange, parseRange } from '../../src/main/library/byte-range'

describe('parseRange', () => {
  it.each([
    [undefined, 1000, { kind: 'full' }],
    ['', 1000, { kind: 'full' }],
    ['bytes=0-99', 1000, { kind: 'partial', start: 0, end: 99 }],
    ['bytes=100-', 1000, { kind: 'partial', start: 100, end: 999 }],
    ['bytes=990-2000', 1000, { kind: 'partial', start: 990, end: 999 }],
    ['bytes=-100', 1000, { kind: 'partial', start: 900, end: 999 }],
    ['bytes=-5000', 1000, { kind: 'partial', start: 0, end: 999 }],
    ['bytes=999-999', 1000, { kind: 'partial', start: 999, end: 999 }],
    ['bytes=1000-', 1000, { kind: 'unsatisfiable' }],
    ['bytes=500-100', 1000, { kind: 'unsatisfiable' }],
    ['bytes=-0', 1000, { kind: 'unsatisfiable' }],
    ['bytes=0-', 0, { kind: 'unsatisfiable' }],
    ['bytes=0-1,5-6', 1000, { kind: 'full' }],
    ['items=0-1', 1000, { kind: 'full' }],
    ['bytes=-', 1000, { kind: 'full' }],
    ['BYTES = 5 - 9', 1000, { kind: 'partial', start: 5, end: 9 }],
  ] as const)('%s of %i bytes', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected)
  })

  it('formats Content-Range', () => {
    expect(contentRange(0, 99, 1000)).toBe('bytes 0-99/1000')
  })
})
