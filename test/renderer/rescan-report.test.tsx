// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LibraryView } from '../../src/renderer/src/features/library/LibraryView'
import { useLanguage } from '../../src/renderer/src/i18n'
import { useApp } from '../../src/renderer/src/stores/app'
import type { RescanResult } from '../../src/shared/contract'
import type { Job } from '../../src/shared/jobs'
import { seedLibrary } from './library-store'

// The Library's Rescan says what it found, and lists the sidecars it left out (which file, why
// in the person's language, which field, main's words for support) until dismissed.

const RESULT: RescanResult = {
  found: 3,
  added: 2,
  missing: 0,
  skippedCount: 23,
  skipped: [
    {
      file: 'far-future.json',
      field: 'job.createdAt',
      reason: 'invalid',
      message: 'job.createdAt must be a time in milliseconds from 2020-01-01 to tomorrow',
    },
    {
      file: 'enormous.json',
      field: null,
      reason: 'too_large',
      message: 'is larger than the 256 KB a sidecar may have (ours are a few KB); not read',
    },
    {
      file: 'thief.json',
      field: 'job.id',
      reason: 'known_job',
      message: 'job job-1 is already in the history with another file',
    },
  ],
}

let rescan: ReturnType<typeof vi.fn>

beforeEach(() => {
  rescan = vi.fn(async () => ({ ok: true as const, data: RESULT }))
  ;(window as unknown as { api: unknown }).api = {
    tasks: { list: async () => ({ ok: true, data: { jobs: [] as Job[], total: 0 } }) },
    library: { rescan, facts: async () => ({ ok: true, data: {} }) },
  }
  useLanguage.setState({ language: 'en' })
  useApp.setState({ notice: null, selected: null })
  seedLibrary([])
})
afterEach(() => cleanup())

async function clickRescan(name: string): Promise<void> {
  await act(async () => fireEvent.click(screen.getByRole('button', { name })))
}

describe('the rescan’s report', () => {
  it('lists each skipped sidecar with why and its field, counts the rest, and is dismissed', async () => {
    render(<LibraryView />)
    await clickRescan('Rescan folder')
    expect(rescan).toHaveBeenCalledOnce()
    expect(useApp.getState().notice?.text).toBe(
      'Rescan done. Videos in the folder: 3; new to the history: 2; no longer on disk: 0. 23 sidecars were left out: see the list under the title.',
    )
    const report = screen.getByRole('region', { name: 'Sidecars left out of the rescan' })
    const items = report.querySelectorAll('li')
    expect(items).toHaveLength(3)
    expect(items[0]!.textContent).toContain('far-future.json')
    expect(items[0]!.textContent).toContain(
      'A field has the wrong type, is out of range or is too long.',
    )
    expect(items[0]!.textContent).toContain('field job.createdAt')
    expect(items[1]!.textContent).toContain('Too large to be a sidecar: it was not read.')
    expect(items[2]!.textContent).toContain('the history keeps its own file')
    expect(report.textContent).toContain('…and 20 more (the first 3 are listed).')
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Dismiss' })))
    expect(screen.queryByRole('region', { name: 'Sidecars left out of the rescan' })).toBeNull()
  })

  it('says it in Indonesian, and shows no list when nothing was left out', async () => {
    useLanguage.setState({ language: 'id' })
    render(<LibraryView />)
    await clickRescan('Pindai ulang folder')
    expect(
      screen.getByRole('region', { name: 'File sidecar yang dilewati saat pindai ulang' }),
    ).toBeTruthy()
    expect(screen.getByText(/Terlalu besar untuk sebuah sidecar/)).toBeTruthy()
    cleanup()
    rescan.mockResolvedValueOnce({ ok: true, data: { ...RESULT, skipped: [], skippedCount: 0 } })
    useLanguage.setState({ language: 'en' })
    render(<LibraryView />)
    await clickRescan('Rescan folder')
    expect(useApp.getState().notice?.text).toBe(
      'Rescan done. Videos in the folder: 3; new to the history: 2; no longer on disk: 0.',
    )
    expect(screen.queryByRole('region', { name: 'Sidecars left out of the rescan' })).toBeNull()
  })
})
