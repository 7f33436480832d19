import type { MediaFacts } from '../../../../shared/contract'
import type { Job } from '../../../../shared/jobs'
import { ASPECT_RATIOS, type AnyRequest } from '../../../../shared/kling'
import type { Translate } from '../../i18n'

// A saved video as the window names and describes it: its URLs, its shape, its facts in words,
// and how long an unsaved result's link still lives.

const DAY = 86_400_000
const LINK_LIFETIME_DAYS = 30

export function mediaUrl(base: string, job: Pick<Job, 'id'>): string {
  return `${base}${encodeURIComponent(job.id)}`
}

/** Days left before an unsaved result's link lapses (null when saved or not a success). */
export function daysLeft(job: Job, now: number): number | null {
  if (job.saved || job.taskStatus !== 'succeed' || job.finishedAt === null) return null
  return Math.max(0, Math.ceil((job.finishedAt + LINK_LIFETIME_DAYS * DAY - now) / DAY))
}

/** "Link expires in N days", in the person's words (and "1 day"). */
export function expiryText(t: Translate, days: number): string {
  return days === 1 ? t('library.expiresOne') : t('library.expires', { days })
}

const ratioValue = (r: string) => {
  const [w, h] = r.split(':').map(Number)
  return w! / h!
}

/** Width / height of a job's clip: the file's own when known, else what was asked (16:9 unknown). */
export function aspectOf(job: Job | undefined, facts: MediaFacts | undefined): number {
  if (facts?.width && facts.height) return facts.width / facts.height
  const asked = (job?.request as AnyRequest | undefined)?.aspect_ratio
  return asked ? ratioValue(asked) : 16 / 9
}

/** "16:9" for a frame size near a usual ratio, else the ratio to two decimals ("1.85:1"). */
export function ratioText(width: number, height: number): string {
  const value = width / height
  const near = ASPECT_RATIOS.find((r) => Math.abs(ratioValue(r) / value - 1) < 0.02)
  return near ?? `${(Math.round(value * 100) / 100).toString()}:1`
}

/** "0:05", "1:02:03". */
export function clockText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const two = (n: number) => String(n).padStart(2, '0')
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`
}

/** "38 KB", "3.2 MB", "1.1 GB". */
export function bytesText(bytes: number, language: string): string {
  const units = ['B', 'KB', 'MB', 'GB']
  let v = bytes
  let u = 0
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000
    u++
  }
  const digits = u >= 2 && v < 10 ? 1 : 0
  return `${new Intl.NumberFormat(language, { maximumFractionDigits: digits }).format(v)} ${units[u]}`
}

/** How long the clip runs: the file's own length, else what the service said it made. */
export function secondsOf(job: Job, facts: MediaFacts | undefined): number | null {
  if (facts?.durationSeconds) return facts.durationSeconds
  const said = Number(job.video?.duration)
  return job.video && Number.isFinite(said) && said > 0 ? said : null
}

export function resolutionText(facts: MediaFacts | undefined): string | null {
  return facts?.width && facts.height ? `${facts.width}×${facts.height}` : null
}
