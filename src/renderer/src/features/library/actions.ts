import { EXPORT_IDS_MAX, type ExportResult } from '../../../../shared/contract'
import type { Job } from '../../../../shared/jobs'
import { api, call } from '../../api'
import { useLanguage, type Translate } from '../../i18n'
import { useApp } from '../../stores/app'
import { useDraft } from '../../stores/draft'
import { useJobs } from '../../stores/jobs'
import { noticeFrom } from '../../ui/errors'

// What the library does to one video or many, shared by the tile menu, the bulk bar and the
// player: each says its outcome as a notice (a failure with its request id) and never throws.

const AT_ONCE = 4

const notify = (...args: Parameters<ReturnType<typeof useApp.getState>['notify']>) =>
  useApp.getState().notify(...args)

/**
 * Runs one call per id, a few at a time; the first failure is said with how many failed. Gives
 * the ids whose call went through, in the order given.
 */
async function each(
  ids: string[],
  t: Translate,
  run: (id: string) => Promise<void>,
): Promise<string[]> {
  let failed = 0
  let first: unknown = null
  const done = new Set<string>()
  const queue = [...ids]
  await Promise.all(
    Array.from({ length: Math.min(AT_ONCE, queue.length) }, async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        try {
          await run(id)
          done.add(id)
        } catch (error) {
          failed++
          first ??= error
        }
      }
    }),
  )
  if (first !== null) {
    const n = noticeFrom(first)
    notify(
      ids.length > 1
        ? { ...n, text: `${t('browse.someFailed', { n: failed, total: ids.length })} ${n.text}` }
        : n,
    )
  }
  return ids.filter((id) => done.has(id))
}

export function play(id: string): void {
  useApp.getState().set({ selected: id })
}

/** Favourites each one (or takes each out of the favourites). */
export async function setFavourite(ids: string[], favourite: boolean, t: Translate): Promise<void> {
  await each(ids, t, async (id) => {
    useJobs.getState().apply(await call(api().tasks.favourite({ id, favourite })))
  })
}

/** Favourite unless every one already is; then the opposite. */
export function toggleFavourites(ids: string[], t: Translate): Promise<void> {
  const byId = useJobs.getState().byId
  const all = ids.every((id) => byId[id]?.favourite)
  return setFavourite(all ? ids : ids.filter((id) => !byId[id]?.favourite), !all, t)
}

/**
 * Copies the saved videos among these into a folder the person picks (Save as): one call, so the
 * folder is asked once. More than EXPORT_IDS_MAX are refused before anything is asked.
 */
export async function exportVideos(ids: string[], t: Translate): Promise<void> {
  const byId = useJobs.getState().byId
  const saved = ids.filter((id) => byId[id]?.saved)
  if (saved.length === 0) return notify({ kind: 'info', text: t('browse.nothingToExport') })
  if (saved.length > EXPORT_IDS_MAX) {
    const language = useLanguage.getState().language
    return notify({
      kind: 'error',
      text: t('browse.exportTooMany', {
        n: saved.length.toLocaleString(language),
        max: EXPORT_IDS_MAX.toLocaleString(language),
      }),
    })
  }
  let res: ExportResult
  try {
    res = await call(api().library.export({ ids: saved }))
  } catch (error) {
    return notify(noticeFrom(error))
  }
  const { folder, exported, failed } = res
  if (folder === null) return // the person closed the folder picker
  if (failed.length > 0)
    return notify({
      kind: 'error',
      text: t('browse.exportFailed', { n: failed.length, message: failed[0]!.message }),
    })
  notify({
    kind: 'info',
    text:
      exported === 1
        ? t('browse.exportedOne', { folder })
        : t('browse.exported', { n: exported, folder }),
  })
}

/**
 * Moves them to the trash after one question; main's tasks.removed takes them off too. Gives the
 * ids actually deleted: none when the person said no, fewer than asked when main refused some
 * (a job still being made is not deleted).
 */
export async function trash(ids: string[], t: Translate): Promise<string[]> {
  if (ids.length === 0) return []
  const question =
    ids.length === 1 ? t('library.confirmDelete') : t('browse.confirmTrash', { n: ids.length })
  if (!window.confirm(question)) return []
  return each(ids, t, async (id) => {
    await call(api().library.delete({ id }))
    useJobs.getState().remove(id)
  })
}

export function reveal(id: string): void {
  void call(api().library.reveal({ id })).catch((e: unknown) => notify(noticeFrom(e)))
}

/** The prompt it was made from, on the clipboard. */
export function copyPrompt(job: Job, t: Translate): void {
  void navigator.clipboard
    .writeText(job.request.prompt ?? '')
    .then(() => notify({ kind: 'info', text: t('library.copied') }))
    .catch((e: unknown) => notify(noticeFrom(e)))
}

export function openExternally(id: string): void {
  void call(api().library.open({ id })).catch((e: unknown) => notify(noticeFrom(e)))
}

/** Its last frame as the first frame of a new image-to-video draft (the draft shows Create). */
export function takeLastFrame(job: Job): void {
  useApp.getState().set({ selected: null })
  void useDraft.getState().takeFrame(job, 'last', 'image')
}

/** Its request in the composer, to change and send again (the draft shows Create). */
export function editAndGenerate(job: Job): void {
  useApp.getState().set({ selected: null })
  useDraft.getState().load(job.kind, job.request)
}

export function startDrag(event: React.DragEvent, id: string): void {
  // The OS drag carries the file itself, so editors take it like a file from the desktop.
  event.preventDefault()
  void call(api().library.startDrag({ id })).catch((e: unknown) => notify(noticeFrom(e)))
}
