import { useMemo } from 'react'
import { useT } from '../../i18n'
import { useJobs } from '../../stores/jobs'

// Earlier prompts one click away: folded, six at most, each cut to one line (the whole prompt in
// its tooltip) so they never widen the panel.

export function RecentPrompts({ use }: { use(prompt: string): void }) {
  const t = useT()
  const byId = useJobs((s) => s.byId)
  const recent = useMemo(() => {
    const seen = new Set<string>()
    return Object.values(byId)
      .sort((a, b) => b.createdAt - a.createdAt)
      .map((j) => j.request.prompt ?? '')
      .filter((p) => p !== '' && !seen.has(p) && seen.add(p))
      .slice(0, 6)
  }, [byId])
  if (recent.length === 0) return null
  return (
    <details className="recent">
      <summary>{t('compose.recent')}</summary>
      <ul className="plain">
        {recent.map((p) => (
          <li key={p}>
            <button type="button" className="link" onClick={() => use(p)} title={p}>
              {p}
            </button>
          </li>
        ))}
      </ul>
    </details>
  )
}
