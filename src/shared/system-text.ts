import type { Job } from './jobs'
import type { Language } from './language'

// What main itself says to the person (system notifications, its own dialogs), in their
// language. Main shows these, so their words live here rather than in the page's catalogues; the
// service's own failure messages are passed on as they came.

const TITLES: Record<Language, Record<'done' | 'failed' | 'ended', string>> = {
  en: { done: 'Video ready', failed: 'Generation failed', ended: 'Generation ended' },
  id: { done: 'Video siap', failed: 'Pembuatan video gagal', ended: 'Pembuatan video berakhir' },
}

const PROMPT_MAX = 80

export interface NotificationText {
  jobId: string
  title: string
  body: string
}

export function notificationFor(job: Job, language: Language): NotificationText {
  const kind = job.state === 'done' ? 'done' : job.state === 'failed' ? 'failed' : 'ended'
  const text = job.request.prompt ?? ''
  const prompt = text.length > PROMPT_MAX ? `${text.slice(0, PROMPT_MAX - 1)}…` : text
  return {
    jobId: job.id,
    title: TITLES[language][kind],
    body: job.statusMessage ? `${prompt}\n${job.statusMessage}` : prompt,
  }
}

export interface ConfirmText {
  title: string
  message: string
  detail: string
  confirm: string
  cancel: string
}

/** Asked by main, never by the page, before the key goes to an address other than CometAPI's. */
export function keyDestinationText(host: string, language: Language): ConfirmText {
  return language === 'id'
    ? {
        title: 'Alamat API baru',
        message: `Kirim kunci CometAPI Anda ke ${host}?`,
        detail:
          'Setiap permintaan membawa kunci Anda ke alamat ini. Lanjutkan hanya jika Anda sendiri yang memasukkannya dan Anda memercayainya.',
        confirm: 'Pakai alamat ini',
        cancel: 'Batal',
      }
    : {
        title: 'New API address',
        message: `Send your CometAPI key to ${host}?`,
        detail:
          'Every request carries your key to this address. Go on only if you entered it yourself and trust it.',
        confirm: 'Use this address',
        cancel: 'Cancel',
      }
}
