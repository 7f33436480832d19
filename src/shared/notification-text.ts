import type { Job } from './jobs'
import type { Language } from './language'

// What a system notification says when a task ends. Main shows it, so its words live here rather
// than in the page's catalogues; the service's own failure message is passed on as it came.

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
  const prompt =
    job.request.prompt.length > PROMPT_MAX
      ? `${job.request.prompt.slice(0, PROMPT_MAX - 1)}…`
      : job.request.prompt
  return {
    jobId: job.id,
    title: TITLES[language][kind],
    body: job.statusMessage ? `${prompt}\n${job.statusMessage}` : prompt,
  }
}
