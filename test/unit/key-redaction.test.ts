import { describe, expect, it } from 'vitest'
import { networkError } from '../../src/main/kling/errors'

describe('network errors never repeat the key', () => {
  it('hides a key that the runtime quotes from a refused Authorization header', () => {
    const refused = new TypeError(
      'Headers.append: "Bearer sk-SECRET-0123\u0000tail" is an invalid header value.',
    )
    const error = networkError(refused, 'Creating the task')
    expect(error.message).not.toContain('sk-SECRET')
    expect(error.message).toContain('Bearer [key]')
  })
})
