// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ComposeView } from '../../src/renderer/src/features/compose/ComposeView'
import { DRAFT_KEY, freshDraft } from '../../src/renderer/src/features/compose/draft-data'
import { useLanguage } from '../../src/renderer/src/i18n'
import { useApp } from '../../src/renderer/src/stores/app'
import { useDraft } from '../../src/renderer/src/stores/draft'
import { useJobs } from '../../src/renderer/src/stores/jobs'
import { estimateUnits, RECOMMENDED_MODEL } from '../../src/shared/kling'
import { DEFAULT_SETTINGS, type DefaultOptions } from '../../src/shared/settings'
import { job } from '../fixtures/job'
import { takeIdFamily, takeIds } from '../../src/shared/takes'

// The composer against a window.api that records what it is sent: kinds, images, models and
// their warnings, takes, cost, the draft kept in localStorage, and one call per Generate.

const REF = `input:${'ab'.repeat(32)}.png`
const REF2 = `input:${'cd'.repeat(32)}.png`
const REF3 = `input:${'ef'.repeat(32)}.png`
let create: ReturnType<typeof vi.fn>
let add: ReturnType<typeof vi.fn>

function settle(defaults: DefaultOptions = { aspect_ratio: '9:16' }) {
  useApp.setState({ settings: { ...DEFAULT_SETTINGS, defaults }, notice: null, view: 'compose' })
}

beforeEach(() => {
  create = vi.fn(async () => ({ ok: true, data: [] }))
  let n = 0
  add = vi.fn(async ({ bytes }: { bytes: Uint8Array }) => ({
    ok: true,
    data: {
      ref: n++ === 0 ? REF : REF2,
      format: 'png',
      width: 1280,
      height: 720,
      bytes: bytes.length,
    },
  }))
  ;(window as unknown as { api: unknown }).api = { tasks: { create }, inputs: { add } }
  localStorage.clear()
  useDraft.setState(freshDraft())
  localStorage.clear()
  settle()
})
afterEach(() => cleanup())

const png = (name = 'frame.png') =>
  new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])], name, { type: 'image/png' })
const prompt = () => screen.getByLabelText('Prompt') as HTMLTextAreaElement
const generate = () => document.querySelector<HTMLButtonElement>('button[type="submit"]')!
const sentInput = (i = 0) =>
  create.mock.calls[i]![0] as { kind: string; request: Record<string, unknown>; takes: number }
const slotOf = (slot: string) => document.querySelector<HTMLElement>(`[data-slot="${slot}"]`)!
const drop = (slot: string, file = png()) =>
  fireEvent.drop(slotOf(slot), { dataTransfer: { files: [file], items: [], types: ['Files'] } })

/** The next inputs.add waits for the test: answer(ref) accepts the image, answer(null) refuses it. */
function heldAdd() {
  let answer: ((ref: string | null) => void) | null = null
  add.mockImplementationOnce(
    () =>
      new Promise((resolve) => {
        answer = (ref) =>
          resolve(
            ref
              ? { ok: true, data: { ref, format: 'png', width: 1280, height: 720, bytes: 7 } }
              : { ok: false, error: { code: 'input.image_aspect', message: 'image is 1:4' } },
          )
      }),
  )
  return async (ref: string | null) => {
    // The window reads the file before it asks main.
    await waitFor(() => expect(answer).not.toBeNull())
    await act(async () => answer!(ref))
  }
}

/** An image-to-video draft whose first frame is REF, on screen. */
async function withFirstFrame() {
  render(<ComposeView />)
  fireEvent.click(screen.getByRole('radio', { name: 'Image to video' }))
  fireEvent.change(screen.getByLabelText('Choose an image for First frame'), {
    target: { files: [png()] },
  })
  await waitFor(() => expect(useDraft.getState().images.image?.ref).toBe(REF))
}

/**
 * main's tasks.create as to external ids: one take is named by the id as given, several as
 * <id>-1 .. <id>-N; a Generate any of whose ids this history holds is refused, and none is made.
 */
function mainWithHistory(used = new Set<string>()) {
  return async ({ request, takes }: { request: Record<string, unknown>; takes: number }) => {
    // Main's rule (src/main/tasks/takes.ts): an id is spent by any Generate of it.
    const given = request.external_task_id as string
    const ids = takeIds(given, takes)
    const clashes = takeIdFamily(given).filter((id) => used.has(id))
    if (clashes.length > 0) {
      const were = clashes.length === 1 ? 'was' : 'were'
      const naming =
        takes === 1 ? '' : ` (with ${takes} takes it becomes ${ids[0]} to ${ids.at(-1)})`
      const message = `external_task_id ${clashes.join(', ')} ${were} already used${naming}`
      return { ok: false, error: { code: 'invalid_input', message } }
    }
    for (const id of ids) used.add(id)
    const made = ids.map((id) => job({ id: `job-${id}`, externalTaskId: id }))
    return { ok: true, data: made }
  }
}

describe('ComposeView', () => {
  it('counts characters live and shows the shared validation inline', () => {
    render(<ComposeView />)
    fireEvent.change(prompt(), { target: { value: 'x'.repeat(501) } })
    expect(screen.getByText('501 / 500')).toBeTruthy()
    expect(screen.getByText('Prompt: at most 500 characters (now 501).')).toBeTruthy()
    expect(prompt().getAttribute('aria-invalid')).toBe('true')
  })

  it('starts a new draft on the recommended model, or the one Settings name', () => {
    render(<ComposeView />)
    expect((screen.getByLabelText('Model') as HTMLSelectElement).value).toBe(RECOMMENDED_MODEL)
    cleanup()
    useDraft.setState(freshDraft())
    settle({ model_name: 'kling-v1-6' })
    render(<ComposeView />)
    expect((screen.getByLabelText('Model') as HTMLSelectElement).value).toBe('kling-v1-6')
    // The service's own default is on offer, and named.
    expect(screen.getByRole('option', { name: 'Server default (Kling 1.0)' })).toBeTruthy()
  })

  it('generates on Ctrl+Enter with the defaults from settings, one take, only the options set', async () => {
    render(<ComposeView />)
    fireEvent.change(prompt(), { target: { value: 'A koi pond at night' } })
    fireEvent.keyDown(prompt(), { key: 'Enter', ctrlKey: true })
    await waitFor(() => expect(create).toHaveBeenCalledTimes(1))
    expect(sentInput()).toEqual({
      kind: 'text2video',
      takes: 1,
      request: {
        prompt: 'A koi pond at night',
        aspect_ratio: '9:16',
        model_name: RECOMMENDED_MODEL,
        external_task_id: expect.stringMatching(/^ks-/),
      },
    })
    await waitFor(() => expect(useApp.getState().notice?.text).toMatch(/Sent/))
  })

  it('does not send an invalid request, and says why', () => {
    render(<ComposeView />)
    fireEvent.click(generate())
    expect(create).not.toHaveBeenCalled()
    expect(screen.getByText('Prompt must not be empty.')).toBeTruthy()
  })

  it('says validation errors in Indonesian', () => {
    useLanguage.getState().setLanguage('id')
    try {
      render(<ComposeView />)
      fireEvent.change(prompt(), { target: { value: 'x'.repeat(501) } })
      expect(screen.getByText('Prompt: paling banyak 500 karakter (sekarang 501).')).toBeTruthy()
    } finally {
      useLanguage.getState().setLanguage('en')
    }
  })

  it('shows each kind with only its fields, and keeps each kind on a model that makes it', () => {
    render(<ComposeView />)
    expect(screen.queryByLabelText('Choose an image for First frame')).toBeNull()
    expect(screen.getAllByRole('radio', { name: '9:16' })).toHaveLength(1)

    fireEvent.click(screen.getByRole('radio', { name: 'Image to video' }))
    expect(screen.getByLabelText('Choose an image for First frame')).toBeTruthy()
    expect(screen.getByLabelText('Choose an image for Last frame')).toBeTruthy()
    // The clip takes its image's shape: no aspect ratio here.
    expect(screen.queryByRole('radio', { name: '9:16' })).toBeNull()

    fireEvent.click(screen.getByRole('radio', { name: 'Multi-image' }))
    for (const n of [1, 2, 3, 4])
      expect(screen.getByLabelText(`Choose an image for Reference ${n}`)).toBeTruthy()
    const model = screen.getByLabelText('Model') as HTMLSelectElement
    expect(model.value).toBe('kling-v1-6')
    // Multi-image has no prompt adherence, camera or sound.
    expect(screen.queryByLabelText('Set prompt adherence')).toBeNull()
    expect(screen.queryByLabelText('Camera movement')).toBeNull()

    fireEvent.click(screen.getByRole('radio', { name: 'Text to video' }))
    expect((screen.getByLabelText('Model') as HTMLSelectElement).value).toBe(RECOMMENDED_MODEL)
  })

  it('keeps the model chosen across kinds that it makes, and switches only where it must', async () => {
    render(<ComposeView />)
    const model = () => screen.getByLabelText('Model') as HTMLSelectElement
    fireEvent.change(model(), { target: { value: 'kling-v1-6' } })
    fireEvent.click(screen.getByRole('radio', { name: 'Image to video' }))
    expect(model().value).toBe('kling-v1-6')
    fireEvent.click(screen.getByRole('radio', { name: 'Multi-image' }))
    expect(model().value).toBe('kling-v1-6')
    fireEvent.click(screen.getByRole('radio', { name: 'Text to video' }))
    expect(model().value).toBe('kling-v1-6')
    // Kling 2.0 Master makes no multi-image video: the picker shows the one it switched to.
    fireEvent.change(model(), { target: { value: 'kling-v2-master' } })
    fireEvent.click(screen.getByRole('radio', { name: 'Multi-image' }))
    expect(model().value).toBe('kling-v1-6')
    fireEvent.click(screen.getByRole('radio', { name: 'Image to video' }))
    expect(model().value).toBe('kling-v2-master')
    fireEvent.change(prompt(), { target: { value: 'a lantern' } })
    fireEvent.change(screen.getByLabelText('Choose an image for First frame'), {
      target: { files: [png()] },
    })
    await waitFor(() => expect(useDraft.getState().images.image?.ref).toBe(REF))
    fireEvent.click(generate())
    await waitFor(() => expect(create).toHaveBeenCalledTimes(1))
    expect(sentInput().request.model_name).toBe('kling-v2-master')
  })

  it('sends an image-to-video request holding the name main gave the image, not its bytes', async () => {
    render(<ComposeView />)
    fireEvent.click(screen.getByRole('radio', { name: 'Image to video' }))
    fireEvent.change(screen.getByLabelText('Choose an image for First frame'), {
      target: { files: [png()] },
    })
    await screen.findByText('1280 × 720 · PNG · 1 KB')
    const given = add.mock.calls[0]![0] as { bytes: Uint8Array; source: string }
    expect(given.source).toBe('file')
    expect([...given.bytes]).toEqual([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])
    fireEvent.click(generate())
    await waitFor(() => expect(create).toHaveBeenCalledTimes(1))
    // The prompt is optional here: an empty one is left out.
    expect(sentInput()).toMatchObject({ kind: 'image2video', request: { image: REF } })
    expect(sentInput().request).not.toHaveProperty('prompt')
    expect(sentInput().request).not.toHaveProperty('aspect_ratio')
  })

  it('says under the slot, in Indonesian, why main refused an image', async () => {
    add.mockResolvedValueOnce({
      ok: false,
      error: {
        code: 'input.image_pixels',
        message: 'image must be at least 300x300 pixels (it is 200x150)',
      },
    })
    useLanguage.getState().setLanguage('id')
    try {
      render(<ComposeView />)
      fireEvent.click(screen.getByRole('radio', { name: 'Gambar ke video' }))
      fireEvent.change(screen.getByLabelText('Pilih gambar untuk Bingkai pertama'), {
        target: { files: [png()] },
      })
      expect(
        await screen.findByText(
          'Gambar lebih kecil dari 300 × 300 piksel. image must be at least 300x300 pixels (it is 200x150)',
        ),
      ).toBeTruthy()
      expect(useDraft.getState().images.image).toBeUndefined()
    } finally {
      useLanguage.getState().setLanguage('en')
    }
  })

  it('refuses a file that is no JPG or PNG before sending it anywhere', async () => {
    render(<ComposeView />)
    fireEvent.click(screen.getByRole('radio', { name: 'Image to video' }))
    const gif = new File([new Uint8Array([1, 2])], 'a.gif', { type: 'image/gif' })
    fireEvent.change(screen.getByLabelText('Choose an image for First frame'), {
      target: { files: [gif] },
    })
    expect(await screen.findByText(/^This is not a JPG or PNG image\./)).toBeTruthy()
    expect(add).not.toHaveBeenCalled()
  })

  it('puts a pasted image in the first frame, switching from text to image-to-video', async () => {
    render(<ComposeView />)
    fireEvent.paste(prompt(), { clipboardData: { files: [png()], items: [], getData: () => '' } })
    await waitFor(() => expect(useDraft.getState().images.image?.ref).toBe(REF))
    expect(useDraft.getState().kind).toBe('image2video')
    expect((add.mock.calls[0]![0] as { source: string }).source).toBe('paste')
    // A second paste fills the next empty slot.
    fireEvent.paste(prompt(), { clipboardData: { files: [png()], items: [], getData: () => '' } })
    await waitFor(() => expect(useDraft.getState().images.image_tail?.ref).toBe(REF2))
  })

  it('disables, with the reason, what the chosen model does not take, and leaves it out', async () => {
    render(<ComposeView />)
    fireEvent.change(prompt(), { target: { value: 'a heron' } })
    // The recommended model ignores prompt adherence; kling-v1 takes it.
    expect((screen.getByLabelText('Set prompt adherence') as HTMLInputElement).disabled).toBe(true)
    fireEvent.change(screen.getByLabelText('Model'), { target: { value: 'kling-v1' } })
    fireEvent.click(screen.getByLabelText('Set prompt adherence'))
    expect((screen.getByLabelText('Set prompt adherence') as HTMLInputElement).checked).toBe(true)
    fireEvent.change(screen.getByLabelText('Model'), { target: { value: 'kling-v2-master' } })
    const box = screen.getByLabelText('Set prompt adherence') as HTMLInputElement
    expect(box.disabled).toBe(true)
    expect(box.checked).toBe(false)
    expect(screen.getByText('Not used by Kling 2.0 Master')).toBeTruthy()
    // No sound on a model without it.
    expect((screen.getByRole('radio', { name: 'On' }) as HTMLInputElement).disabled).toBe(true)
    expect(screen.getByText('Kling 2.0 Master makes no sound.')).toBeTruthy()
    // Durations come from the model: kling-v3 offers 3 to 15 s.
    fireEvent.change(screen.getByLabelText('Model'), { target: { value: 'kling-v3' } })
    const durations = [...(screen.getByLabelText('Duration') as HTMLSelectElement).options]
    expect(durations.map((o) => o.value)).toEqual([
      '',
      ...Array.from({ length: 13 }, (_, i) => String(i + 3)),
    ])
    fireEvent.change(screen.getByLabelText('Model'), { target: { value: 'kling-v2-master' } })
    fireEvent.click(generate())
    await waitFor(() => expect(create).toHaveBeenCalled())
    expect(sentInput().request.model_name).toBe('kling-v2-master')
    expect(sentInput().request).not.toHaveProperty('cfg_scale')
  })

  it('says what each model takes, and warns without blocking about what the table refuses', async () => {
    render(<ComposeView />)
    const model = screen.getByLabelText('Model') as HTMLSelectElement
    expect(screen.getByText('Std, Pro · 5, 10 s · sound (Pro) · no cfg')).toBeTruthy()
    fireEvent.change(prompt(), { target: { value: 'a drone shot' } })
    fireEvent.change(model, { target: { value: 'kling-v1-6' } })
    fireEvent.change(screen.getByLabelText('Camera movement'), { target: { value: 'down_back' } })
    expect(
      screen.getByText('Camera movement is documented only for kling-v1, not kling-v1-6.'),
    ).toBeTruthy()
    expect(generate().disabled).toBe(false)

    // A last frame on kling-v2-6 is pro only; on kling-v2-master it is not taken at all.
    fireEvent.change(screen.getByLabelText('Camera movement'), { target: { value: 'none' } })
    fireEvent.click(screen.getByRole('radio', { name: 'Image to video' }))
    fireEvent.change(screen.getByLabelText('Model'), { target: { value: 'kling-v2-6' } })
    fireEvent.click(screen.getByRole('radio', { name: 'Standard' }))
    fireEvent.change(screen.getByLabelText('Choose an image for Last frame'), {
      target: { files: [png()] },
    })
    await screen.findByText('A last frame on kling-v2-6 is documented only in pro mode.')
    fireEvent.change(screen.getByLabelText('Model'), { target: { value: 'kling-v2-master' } })
    expect(screen.getByText('Kling 2.0 Master takes no last frame.')).toBeTruthy()
  })

  it('sends the takes chosen beside Generate, and shows what they should cost', async () => {
    render(<ComposeView />)
    fireEvent.change(prompt(), { target: { value: 'three foxes' } })
    fireEvent.click(screen.getByRole('radio', { name: '3' }))
    const draft = useDraft.getState()
    const estimate = estimateUnits(
      'text2video',
      { prompt: 'three foxes', aspect_ratio: '9:16', model_name: draft.form.model },
      3,
    )
    const cost =
      estimate.units === null
        ? 'Cost unknown'
        : `≈ ${new Intl.NumberFormat('en').format(estimate.units)} units`
    expect(screen.getByText(cost)).toBeTruthy()
    expect(generate().textContent).toBe('Generate 3')
    fireEvent.click(generate())
    await waitFor(() => expect(create).toHaveBeenCalledTimes(1))
    expect(sentInput().takes).toBe(3)
    await waitFor(() => expect(useApp.getState().notice?.text).toBe('Sent: 3 takes on their way.'))
  })

  it('makes one call for a double click, and the next Generate has its own external id', async () => {
    let answer: (v: unknown) => void = () => {}
    create.mockImplementationOnce(() => new Promise((r) => (answer = r)))
    render(<ComposeView />)
    fireEvent.change(prompt(), { target: { value: 'once' } })
    fireEvent.click(generate())
    fireEvent.click(generate())
    fireEvent.keyDown(prompt(), { key: 'Enter', ctrlKey: true })
    expect(create).toHaveBeenCalledTimes(1)
    expect(generate().disabled).toBe(true)
    await act(async () => answer({ ok: true, data: [] }))
    await waitFor(() => expect(generate().disabled).toBe(false))
    fireEvent.click(generate())
    await waitFor(() => expect(create).toHaveBeenCalledTimes(2))
    expect(sentInput(1).request.external_task_id).not.toBe(sentInput(0).request.external_task_id)
  })

  it('keeps the draft in localStorage and brings it back after a restart', async () => {
    const first = render(<ComposeView />)
    fireEvent.click(screen.getByRole('radio', { name: 'Image to video' }))
    fireEvent.change(prompt(), { target: { value: 'the tide comes in' } })
    fireEvent.click(screen.getByRole('radio', { name: '2' }))
    fireEvent.change(screen.getByLabelText('Choose an image for First frame'), {
      target: { files: [png()] },
    })
    await waitFor(() => expect(useDraft.getState().images.image).toBeDefined())
    const kept = localStorage.getItem(DRAFT_KEY)!
    expect(JSON.parse(kept).state).toMatchObject({
      kind: 'image2video',
      takes: 2,
      form: { prompt: 'the tide comes in' },
      images: { image: { ref: REF, width: 1280 } },
    })
    first.unmount()

    // A restart: the page starts empty and reads what was kept.
    useDraft.setState(freshDraft())
    localStorage.setItem(DRAFT_KEY, kept)
    await useDraft.persist.rehydrate()
    render(<ComposeView />)
    expect(prompt().value).toBe('the tide comes in')
    expect(
      (screen.getByRole('radio', { name: 'Image to video' }) as HTMLInputElement).checked,
    ).toBe(true)
    expect((screen.getByRole('radio', { name: '2' }) as HTMLInputElement).checked).toBe(true)
    expect(screen.getByText('1280 × 720 · PNG · 1 KB')).toBeTruthy()
  })

  it('takes the person to a problem inside a folded section instead of doing nothing', async () => {
    render(<ComposeView />)
    fireEvent.change(prompt(), { target: { value: 'a heron' } })
    fireEvent.change(screen.getByLabelText('Callback URL'), { target: { value: 'not a url' } })
    const advanced = screen.getByText('Advanced').closest('details')!
    expect(advanced.open).toBe(false)
    fireEvent.click(generate())
    expect(create).not.toHaveBeenCalled()
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('Callback URL')))
    expect(advanced.open).toBe(true)
  })

  it('applies a preset without losing the callback, and survives a preset of an odd shape', () => {
    localStorage.setItem(
      'kling.presets',
      JSON.stringify([
        { name: 'Odd camera', options: { camera_control: { type: 'simple' }, mode: 'pro' } },
        { name: 'Broken', options: null },
        'not a preset',
      ]),
    )
    render(<ComposeView />)
    fireEvent.change(screen.getByLabelText('Callback URL'), {
      target: { value: 'https://hooks.example/kling' },
    })
    expect(screen.queryByRole('button', { name: 'Apply: Broken' })).toBeNull()
    fireEvent.click(screen.getByRole('button', { name: 'Apply: Odd camera' }))
    expect((screen.getByLabelText('Callback URL') as HTMLInputElement).value).toBe(
      'https://hooks.example/kling',
    )
    const mode = screen.getByRole('group', { name: 'Mode' })
    expect(
      (within(mode).getByRole('radio', { name: 'Professional' }) as HTMLInputElement).checked,
    ).toBe(true)
  })

  it('waits for an image being checked: a last frame dropped and Ctrl+Enter at once send nothing', async () => {
    await withFirstFrame()
    fireEvent.change(prompt(), { target: { value: 'the tide goes out' } })
    const answer = heldAdd()
    drop('image_tail')
    fireEvent.keyDown(prompt(), { key: 'Enter', ctrlKey: true })
    fireEvent.click(generate())
    expect(create).not.toHaveBeenCalled()
    expect(generate().disabled).toBe(true)
    expect(generate().textContent).toBe('Checking images…')
    expect(screen.getByText('Generate waits while the images are checked.')).toBeTruthy()
    await answer(REF2)
    expect(generate().disabled).toBe(false)
    expect(screen.queryByText('Generate waits while the images are checked.')).toBeNull()
    fireEvent.keyDown(prompt(), { key: 'Enter', ctrlKey: true })
    await waitFor(() => expect(create).toHaveBeenCalledTimes(1))
    expect(sentInput().request).toMatchObject({ image: REF, image_tail: REF2 })
  })

  it('sends nothing while a refused image is said, not even the image it was to replace', async () => {
    await withFirstFrame()
    const answer = heldAdd()
    drop('image')
    await answer(null)
    expect(within(slotOf('image')).getByText(/^The image is too wide or too tall/)).toBeTruthy()
    // The earlier image is still in the draft: it is not sent behind the person's back.
    expect(useDraft.getState().images.image?.ref).toBe(REF)
    fireEvent.keyDown(prompt(), { key: 'Enter', ctrlKey: true })
    expect(create).not.toHaveBeenCalled()
    expect(generate().disabled).toBe(true)
    expect(generate().textContent).toBe('Image not accepted')
    const why = 'An image was not accepted: see the message under it before you Generate.'
    expect(screen.getByText(why)).toBeTruthy()
    expect(generate().getAttribute('aria-describedby')).toMatch(/^generate-blocked /)
    act(() => useLanguage.getState().setLanguage('id'))
    try {
      expect(generate().textContent).toBe('Gambar tidak diterima')
      expect(
        screen.getByText(
          'Ada gambar yang tidak diterima: baca pesan di bawahnya sebelum membuat video.',
        ),
      ).toBeTruthy()
    } finally {
      act(() => useLanguage.getState().setLanguage('en'))
    }
    // The person decides: the slot keeps the image it holds.
    fireEvent.click(within(slotOf('image')).getByRole('button', { name: 'Keep the current image' }))
    expect(screen.queryByText(why)).toBeNull()
    fireEvent.click(generate())
    await waitFor(() => expect(create).toHaveBeenCalledTimes(1))
    expect(sentInput().request.image).toBe(REF)
  })

  it('drops an image check that ends after its slot was emptied, refilled or the kind changed', async () => {
    await withFirstFrame()
    // Emptied: the first frame is removed while its replacement is checked.
    let answer = heldAdd()
    drop('image')
    fireEvent.click(screen.getByRole('button', { name: 'Remove First frame' }))
    await answer(REF2)
    expect(useDraft.getState().images.image).toBeUndefined()
    // Refilled: of two images dropped on one slot the later stays, whichever is checked first.
    const earlier = heldAdd()
    drop('image_tail')
    const later = heldAdd()
    drop('image_tail', png('b.png'))
    await later(REF3)
    await earlier(REF2)
    expect(useDraft.getState().images.image_tail?.ref).toBe(REF3)
    // Another kind: the image checked meanwhile lands nowhere, and Generate does not wait for it.
    answer = heldAdd()
    fireEvent.change(screen.getByLabelText('Choose an image for First frame'), {
      target: { files: [png()] },
    })
    fireEvent.click(screen.getByRole('radio', { name: 'Text to video' }))
    expect(generate().disabled).toBe(false)
    await answer(REF2)
    expect(useDraft.getState().images.image).toBeUndefined()
    fireEvent.click(screen.getByRole('radio', { name: 'Image to video' }))
    expect(screen.queryByText('Checking…')).toBeNull()
    expect(generate().disabled).toBe(false)
  })

  it('puts the new takes at the top of the library, and starts the next Generate untouched', async () => {
    useJobs.setState({ byId: {}, ids: [], total: 0, query: {} })
    create.mockImplementation(mainWithHistory())
    render(<ComposeView />)
    fireEvent.change(prompt(), { target: { value: 'two herons' } })
    fireEvent.click(screen.getByRole('radio', { name: '2' }))
    fireEvent.click(generate())
    await waitFor(() => expect(useJobs.getState().total).toBe(2))
    const ids = useJobs.getState().ids
    expect(ids).toHaveLength(2)
    // main's own event for the same revision then changes nothing.
    useJobs.getState().apply(useJobs.getState().byId[ids[0]!]!)
    expect(useJobs.getState().ids).toEqual(ids)
    // Emptying the prompt for the next one is not called an error until Generate is pressed.
    fireEvent.change(prompt(), { target: { value: '' } })
    await waitFor(() => expect(screen.queryByText('Prompt must not be empty.')).toBeNull())
    fireEvent.click(generate())
    expect(screen.getByText('Prompt must not be empty.')).toBeTruthy()
  })

  it.each([
    [1, 3],
    [3, 1],
  ])(
    'after a reload, a Generate of %i takes that went out unconfirmed is not made again with %i',
    async (before, after) => {
      const used = new Set<string>()
      const main = mainWithHistory(used)
      // The first Generate reaches main, and the window goes away before its answer.
      create.mockImplementationOnce(async (input: Parameters<typeof main>[0]) => {
        await main(input)
        return new Promise(() => {})
      })
      const first = render(<ComposeView />)
      fireEvent.change(prompt(), { target: { value: 'a lighthouse' } })
      fireEvent.click(screen.getByRole('radio', { name: String(before) }))
      fireEvent.click(generate())
      await waitFor(() => expect(used.size).toBe(before))
      const kept = localStorage.getItem(DRAFT_KEY)!
      first.unmount()

      useDraft.setState(freshDraft())
      localStorage.setItem(DRAFT_KEY, kept)
      await useDraft.persist.rehydrate()
      create.mockImplementation(main)
      render(<ComposeView />)
      fireEvent.click(screen.getByRole('radio', { name: String(after) }))
      fireEvent.click(generate())
      await waitFor(() =>
        expect(useApp.getState().notice).toEqual({
          kind: 'error',
          text: 'This Generate already went out: its takes are under Latest videos. Press Generate again to make new ones.',
        }),
      )
      expect(used.size).toBe(before)
      // Pressed again, deliberately: new takes, under a new id.
      await waitFor(() => expect(generate().disabled).toBe(false))
      fireEvent.click(generate())
      await waitFor(() => expect(used.size).toBe(before + after))
      expect(create).toHaveBeenCalledTimes(3)
    },
  )

  it("says main's own words and keeps a typed id that clashes with an older, unrelated job", async () => {
    // An older job, made long ago and under another draft, holds the id the person types now.
    const used = new Set(['shot-42'])
    create.mockImplementation(mainWithHistory(used))
    render(<ComposeView />)
    fireEvent.change(prompt(), { target: { value: 'a kite' } })
    fireEvent.change(screen.getByLabelText('External task id'), { target: { value: 'shot-42' } })
    fireEvent.click(generate())
    await waitFor(() =>
      expect(useApp.getState().notice).toMatchObject({
        kind: 'error',
        text: 'external_task_id shot-42 was already used',
        code: 'invalid_input',
      }),
    )
    expect(useApp.getState().notice?.text).not.toMatch(/already went out/)
    // The person's id stays, for them to change.
    expect(useDraft.getState().form.externalId).toBe('shot-42')
    expect((screen.getByLabelText('External task id') as HTMLInputElement).value).toBe('shot-42')
    expect(used.size).toBe(1)
  })

  it('renews only an id the app made, when main says it went out before', async () => {
    render(<ComposeView />)
    const made = useDraft.getState().form.externalId
    expect(made).toMatch(/^ks-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    // An earlier Generate of this draft went out, its answer never came.
    create.mockImplementation(mainWithHistory(new Set([made])))
    fireEvent.change(prompt(), { target: { value: 'a kite' } })
    fireEvent.click(generate())
    await waitFor(() =>
      expect(useApp.getState().notice?.text).toBe(
        'This Generate already went out: its takes are under Latest videos. Press Generate again to make new ones.',
      ),
    )
    const renewed = useDraft.getState().form.externalId
    expect(renewed).not.toBe(made)
    expect(renewed).toMatch(/^ks-/)
  })

  it('says which ids the takes will have, and sends an id the person typed as it is', async () => {
    render(<ComposeView />)
    fireEvent.change(prompt(), { target: { value: 'a kite' } })
    const made = useDraft.getState().form.externalId
    expect(screen.getByText(`Sent as ${made}.`)).toBeTruthy()
    fireEvent.click(generate())
    await waitFor(() => expect(create).toHaveBeenCalledTimes(1))
    expect(sentInput().request.external_task_id).toBe(made)

    fireEvent.change(screen.getByLabelText('External task id'), { target: { value: 'shot-42' } })
    fireEvent.click(screen.getByRole('radio', { name: '2' }))
    expect(screen.getByText('Sent as shot-42-1 … shot-42-2.')).toBeTruthy()
    fireEvent.click(screen.getByRole('radio', { name: '1' }))
    expect(screen.getByText('Sent as shot-42.')).toBeTruthy()
    await waitFor(() => expect(generate().disabled).toBe(false))
    fireEvent.click(generate())
    await waitFor(() => expect(create).toHaveBeenCalledTimes(2))
    expect(sentInput(1)).toMatchObject({ takes: 1, request: { external_task_id: 'shot-42' } })
  })

  it('says when a change of kind moved off a model that does not make it', () => {
    render(<ComposeView />)
    fireEvent.change(screen.getByLabelText('Model'), { target: { value: 'kling-v2-6' } })
    expect(screen.queryByText(/does not make this kind of video/)).toBeNull()
    fireEvent.click(screen.getByRole('radio', { name: 'Multi-image' }))
    expect(
      screen.getByText('Kling 2.6 does not make this kind of video: switched to Kling 1.6.'),
    ).toBeTruthy()
    // Picking a model is an answer: the note goes.
    fireEvent.change(screen.getByLabelText('Model'), { target: { value: 'kling-v1-6' } })
    expect(screen.queryByText(/does not make this kind of video/)).toBeNull()
  })
})
