import {
  estimateUnits,
  priceBasis,
  unitRowFor,
  type VideoKind,
  type VideoRequest,
} from '../../shared/kling'
import { EXIT, type CliIo } from './output'

// generate --dry-run: the checked request and what it would cost, in Kling units, from the
// published table (src/shared/kling/units.ts) with its sources. Nothing is sent, nothing is
// written, and no key is needed.

export function dryRun(io: CliIo, json: boolean, kind: VideoKind, request: VideoRequest): number {
  const basis = priceBasis(kind, request)
  const row = unitRowFor(kind, request)
  const { units } = estimateUnits(kind, request)
  if (json) {
    io.stdout(
      `${JSON.stringify({
        dry_run: true,
        kind,
        request,
        priced_as: basis,
        units,
        sources: row ? row.sources.map((s) => ({ ...s, checked: row.checked })) : [],
      })}\n`,
    )
    return EXIT.done
  }
  const what = basis
    ? `${kind}, ${basis.model}${'model_name' in request ? '' : ' (the service default)'}, ${basis.mode}, ${basis.duration} s${basis.sound === 'on' ? ', with sound' : ''}`
    : kind
  const lines = [
    'Dry run: nothing was sent.',
    units === null
      ? `${what}: units unknown (no published price for this combination)`
      : `${what}: about ${units} unit${units === 1 ? '' : 's'}`,
  ]
  for (const s of row?.sources ?? [])
    lines.push(`  source: ${s.title}, ${s.url} (read ${row!.checked})`)
  lines.push('What a task really costs is its final_unit_deduction, shown once it has finished.')
  io.stdout(`${lines.join('\n')}\n`)
  return EXIT.done
}
