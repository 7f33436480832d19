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

  it('shows a step tried again on the line, counting down, and leaves it once one goes through', () => {
    vi.useFakeTimers()
    try {
      let now = 0
      const { value, err } = io(true, () => now)
      const line = new StatusLine(value, 'Generating')
      line.update('processing')
      const locked = {
        kind: 'locked' as const,
        message: 'The history is locked by another program',
      }
      line.trouble('job-1', { ...locked, attempts: 1, retryAt: 4_000 })
      now = 1_000
      vi.advanceTimersByTime(1000)
      expect(err.at(-1)).toBe(
        '\r\x1b[2KGenerating processing · 0:01 elapsed · The history is locked by another program, again in 3 s',
      )
      line.trouble('job-1', null)
      expect(err.at(-1)).toBe('\r\x1b[2KGenerating processing · 0:01 elapsed')
      line.stop()
    } finally {
      vi.useRealTimers()
    }
  })

  it('off a terminal, says each trouble of a job once (not with --json)', () => {
    const { value, err } = io(false, () => 0)
    const line = new StatusLine(value, 'Generating')
    const full = { kind: 'full' as const, message: 'The disk holding the history is full' }
    line.trouble('job-1', { ...full, attempts: 1, retryAt: 2_000 })
    line.trouble('job-1', { ...full, attempts: 2, retryAt: 5_000 })
    line.trouble('job-2', { ...full, attempts: 1, retryAt: 1_000 }, true)
    expect(err).toEqual([
      'kling-studio: job job-1: The disk holding the history is full; trying again in 2 s\n',
    ])
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
