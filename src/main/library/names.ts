// Readable, safe file names for results: "2026-11-24 1532 happy scene vacation beach 878106242831892487.mp4".
// Only letters, digits and spaces from the prompt, so the name is valid on every OS and sorts by date.

const pad = (n: number) => String(n).padStart(2, '0')

export function promptWords(prompt: string, maxLength = 48): string {
  const words = prompt
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
  let out = ''
  for (const w of words) {
    const next = out ? `${out} ${w}` : w
    if (next.length > maxLength) break
    out = next
  }
  return out || 'video'
}

/** Local date and time, then prompt words, then the task id that makes the name unique. */
export function videoFileName(createdAt: number, prompt: string, taskId: string): string {
  const d = new Date(createdAt)
  const stamp = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}${pad(d.getMinutes())}`
  const id = taskId.replace(/[^\w-]/g, '')
  return `${stamp} ${promptWords(prompt)} ${id}.mp4`
}

export const sidecarName = (videoName: string): string => videoName.replace(/\.mp4$/i, '') + '.json'
