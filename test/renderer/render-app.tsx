import { render, waitFor, type RenderResult } from '@testing-library/react'
import { expect } from 'vitest'
import { App } from '../../src/renderer/src/App'

// The whole window, read once its first view has replaced the start frame (which stands in until
// main's first answers are in).

async function viewArrived(): Promise<void> {
  await waitFor(() => expect(document.querySelector('.start-frame')).toBeNull())
}

export async function renderApp(): Promise<RenderResult> {
  const result = render(<App />)
  await viewArrived()
  return result
}
