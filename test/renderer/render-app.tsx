import { render, waitFor, type RenderResult } from '@testing-library/react'
import { expect } from 'vitest'
import { App } from '../../src/renderer/src/App'

// The whole window, drawn once its current view's code is in: each view's code arrives when the
// view is first wanted (src/renderer/src/views.ts), so a test reads the window after that.

/** Until then the main area holds a blank stand-in, or the whole window the start frame. */
async function viewArrived(): Promise<void> {
  await waitFor(() => expect(document.querySelector('.view-pending, .start-frame')).toBeNull())
}

export async function renderApp(): Promise<RenderResult> {
  const result = render(<App />)
  await viewArrived()
  return result
}
