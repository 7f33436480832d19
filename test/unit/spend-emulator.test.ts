import { describe, expect, it } from 'vitest'
import { estimateUnits, type VideoKind } from '../../src/shared/kling'
import type { EmulatedTask } from '../../src/main/emulator/task-store'
import { unitsFor } from '../../src/main/emulator/units'

// The emulator charges what the shared unit table says, so the app's "about N units" and the
// "units charged" it reads later agree in the sandbox and in tests; where the table has no
// answer, the emulator's documented fallback.

const task = (
  kind: VideoKind,
  request: Record<string, unknown>,
  parent: EmulatedTask | null = null,
): EmulatedTask => ({ kind, request, parent }) as unknown as EmulatedTask

describe('emulator charges', () => {
  it.each([
    ['text2video', { prompt: 'a' }],
    ['text2video', { prompt: 'a', mode: 'pro', duration: '10' }],
    ['text2video', { prompt: 'a', model_name: 'kling-v3', mode: 'pro', duration: '7' }],
    ['text2video', { prompt: 'a', model_name: 'kling-v2-6', mode: 'pro', sound: 'on' }],
    ['image2video', { image: 'x', model_name: 'kling-v2-1', mode: 'pro', duration: '10' }],
    [
      'multi-image2video',
      { image_list: [{ image: 'x' }, { image: 'y' }], model_name: 'kling-v1-6' },
    ],
  ] as const)('%s %j: as the table says', (kind, request) => {
    const expected = estimateUnits(kind, request).units
    expect(expected).not.toBeNull()
    expect(unitsFor(task(kind, request))).toBe(String(expected))
  })

  it("an extension, and an extension of it, charge by the root's model and mode", () => {
    const root = task('text2video', { prompt: 'a', model_name: 'kling-v1-6', mode: 'pro' })
    const ext = task('video-extend', { task_id: '1', video_id: '2' }, root)
    const ext2 = task('video-extend', { task_id: '3', video_id: '4' }, ext)
    expect(unitsFor(ext)).toBe('3.5')
    expect(unitsFor(ext2)).toBe('3.5')
    expect(unitsFor(task('video-extend', {}, task('text2video', { prompt: 'a' })))).toBe('1')
  })

  it('the fallback where the table has no answer', () => {
    expect(estimateUnits('text2video', { model_name: 'kling-v9' }).units).toBeNull()
    expect(unitsFor(task('text2video', { prompt: 'a', model_name: 'kling-v9' }))).toBe('1')
    const pro10 = { prompt: 'a', model_name: 'kling-v9', mode: 'pro', duration: '10' }
    expect(unitsFor(task('text2video', pro10))).toBe('4')
    const master = task('text2video', { prompt: 'a', model_name: 'kling-v2-master', mode: 'pro' })
    expect(unitsFor(task('video-extend', {}, master))).toBe('2')
  })
})
