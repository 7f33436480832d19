// Readable, safe file names for results:
// "2026-11-24 1532 happy scene vacation beach 878106242831892487 3f2a9c1e.mp4": date and time,
// prompt words, the task id, then the job id's first characters, so two jobs never share a name
// even when a gateway hands both the same task id. Only letters, digits and spaces from the
// prompt, and bounded lengths (a hostile task id cannot make a name too long for the disk), so
// the name is valid on every OS and sorts by date.

const pad = (n: number) => String(n).padStart(2, '0')

/** The prompt's part: at most this many characters and UTF-8 bytes (a name may be 255 bytes). */
const PROMPT_BYTES = 120
/** The task id's part, at most. */
const TASK_ID_CHARS = 64
/** The job id's part. */
const JOB_ID_CHARS = 8

export function promptWords(prompt: string, maxLength = 48): string {
  const words = prompt
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
  let out = ''
  for (const w of words) {
    const next = out ? `${out} ${w}` : w
    if (next.length > maxLength || Buffer.byteLength(next) > PROMPT_BYTES) break
    out = next
  }
  return out || 'video'
}

const safeId = (id: string, max: number) => id.replace(/[^\w-]/g, '').slice(0, max)

/**
 * Local date and time, then prompt words, then the task id and the job's own mark. Without a job
 * id: the name earlier releases gave (still looked for, to adopt a video they left unrecorded).
 */
export function videoFileName(
  createdAt: number,
  prompt: string,
  taskId: string,
  jobId?: string,
): string {
  const d = new Date(createdAt)
  const stamp = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}${pad(d.getMinutes())}`
  const ids = [safeId(taskId, TASK_ID_CHARS), safeId(jobId ?? '', JOB_ID_CHARS)].filter(Boolean)
  return `${[stamp, promptWords(prompt), ...ids].join(' ')}.mp4`
}

export const sidecarName = (videoName: string): string => videoName.replace(/\.mp4$/i, '') + '.json'
