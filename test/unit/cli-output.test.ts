import { describe, expect, it, vi } from 'vitest'
import { formatElapsed, StatusLine, type CliIo } from '../../src/main/cli/output'
import { parseCameraFlag, parseDuration, UsageError } from '../../src/main/cli/args'

const io = (interactive: boolean, now: () => number) => {
  const err: string[] = []
  const value: CliIo = { stdout: () => {}, stderr: (t) => err.push(t), interactive, env: {}, now }
  return { value, err }
}

describe('StatusLine', () => {
  it('redraws one line in place with the status and elapsed time, then erases it', () => {
    vi.useFakeTimers()
    try {
      let now = 0
      const { value, err } = io(true, () => now)
      const line = new StatusLine(value, 'Task 42')
      line.update('processing')
      now = 83_000
      vi.advanceTimersByTime(1000)
      expect(err.at(-1)).toBe('\r\x1b[2KTask 42 processing · 1:23 elapsed')
      line.stop()
      expect(err.at(-1)).toBe('\r\x1b[2K')
      const drawn = err.length
      vi.advanceTimersByTime(5000)
      expect(err.length).toBe(drawn)
    } finally {
      vi.useRealTimers()
    }
  })

  it('stays silent when stderr is not a terminal', () => {
    const { value, err } = io(false, () => 0)
    const line = new StatusLine(value, 'Task 1')
    line.update('processing')
    line.stop()
    expect(err).toEqual([])
  })
})

describe('argument helpers', () => {
  it('formats elapsed time', () => {
    expect(formatElapsed(5_000)).toBe('0:05')
    expect(formatElapsed(3_723_000)).toBe('1:02:03')
  })

  it('parses durations', () => {
    expect(parseDuration('--timeout', '15m')).toBe(900_000)
    expect(parseDuration('--timeout', '1h30m')).toBe(5_400_000)
    expect(parseDuration('--timeout', '90')).toBe(90_000)
    expect(parseDuration('--timeout', '250ms')).toBe(250)
    expect(() => parseDuration('--timeout', '15 minutes')).toThrow(UsageError)
    expect(() => parseDuration('--timeout', 'm15')).toThrow(/--timeout/)
  })

  it('parses --camera', () => {
    expect(parseCameraFlag('down_back')).toEqual({ type: 'down_back' })
    expect(parseCameraFlag('simple:zoom=5')).toEqual({ type: 'simple', config: { zoom: 5 } })
    expect(parseCameraFlag('simple:pan=-2.5,zoom=0')).toEqual({
      type: 'simple',
      config: { pan: -2.5, zoom: 0 },
    })
    expect(() => parseCameraFlag('simple:zoom')).toThrow(/simple:AXIS=VALUE/)
  })
})
