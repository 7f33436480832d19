import { isVideoKind, VIDEO_KINDS } from '../../../shared/kling'
import { parseNumberFlag, UsageError } from '../args'
import { CliContext } from '../context'
import { COMMON, parse, str } from '../flags'
import { EXIT, jobJson, type CliIo } from '../output'
import type { JobRecord } from '../../tasks/ledger'
import { terminalText } from '../terminal-text'

// kling-studio list: the history, newest first, searchable by prompt words, with each job's kind
// and lineage (an extension names the job it extends).

/** One job a line; the prompt and ids are the history's words, made safe for a terminal. */
function line(j: JobRecord): string {
  const at = new Date(j.createdAt)
  // A time no date can hold (a damaged history) is said, not thrown.
  const when = Number.isNaN(at.getTime())
    ? '(no date)'.padEnd(16)
    : at.toISOString().slice(0, 16).replace('T', ' ')
  const prompt = terminalText(j.request.prompt ?? '')
  const text = prompt.length > 50 ? `${prompt.slice(0, 49)}…` : prompt || '(no prompt)'
  const lineage = j.parentJobId ? `  ↳ extends ${terminalText(j.parentJobId)}` : ''
  const task = terminalText(j.taskId ?? '-')
  return `${when}  ${terminalText(j.state).padEnd(15)} ${terminalText(j.kind).padEnd(17)} ${task.padEnd(20)} ${text}${lineage}\n`
}

export async function list(io: CliIo, args: string[]): Promise<number> {
  const { flags, positionals } = parse(
    args,
    {
      ...COMMON,
      search: { type: 'string' },
      limit: { type: 'string' },
      kind: { type: 'string' },
    },
    'list',
  )
  if (positionals.length > 0) throw new UsageError('list takes no arguments (use --search TEXT)')
  const limit =
    parseNumberFlag('--limit', str(flags, 'limit'), { min: 1, max: 500, integer: true }) ?? 50
  const kind = str(flags, 'kind')
  if (kind !== undefined && !isVideoKind(kind))
    throw new UsageError(`--kind must be one of ${VIDEO_KINDS.join(', ')}`)
  const cx = new CliContext(io, flags)
  try {
    const page = cx.studio().ledger.list({ search: str(flags, 'search'), limit, kind })
    if (cx.json) {
      const jobs = page.jobs.map((j) => JSON.parse(jobJson(j)) as unknown)
      io.stdout(`${JSON.stringify({ total: page.total, jobs })}\n`)
    } else if (page.jobs.length === 0) io.stdout('No jobs.\n')
    else {
      for (const j of page.jobs) io.stdout(line(j))
      if (page.total > page.jobs.length)
        io.stdout(`(${page.jobs.length} of ${page.total}; --limit N for more)\n`)
    }
    return EXIT.done
  } finally {
    cx.close()
  }
}
