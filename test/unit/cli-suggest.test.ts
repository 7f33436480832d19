import { describe, expect, it } from 'vitest'
import { editDistance, nearest } from '../../src/main/cli/suggest'

// The flag a mistyped one was meant to be.

describe('editDistance', () => {
  it.each([
    ['prompt', 'prompt', 0],
    ['promt', 'prompt', 1],
    ['wiat', 'wait', 1], // two neighbours swapped: one edit
    ['kitten', 'sitting', 3],
    ['', 'out', 3],
  ])('%s to %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d)
    expect(editDistance(b, a)).toBe(d)
  })
})

describe('nearest', () => {
  const generate = [
    'prompt',
    'negative-prompt',
    'aspect-ratio',
    'duration',
    'mode',
    'model',
    'wait',
    'out',
    'json',
  ]
  it.each([
    ['promt', 'prompt'],
    ['PROMPT', 'prompt'],
    ['wiat', 'wait'],
    ['jsno', 'json'],
    ['modle', 'model'],
    ['neg', 'negative-prompt'], // the only flag it begins
    ['aspect', 'aspect-ratio'],
    ['durration', 'duration'],
  ])('%s means --%s', (typed, meant) => {
    expect(nearest(typed, generate)).toBe(meant)
  })

  it.each(['colour', 'xyz', 'o', 'mo'])('%s is close to nothing', (typed) => {
    expect(nearest(typed, generate)).toBeUndefined()
  })
})
