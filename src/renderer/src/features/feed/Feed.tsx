import { useCallback, useEffect, useMemo, useState } from 'react'
import type { ExtendInput } from '../../../../shared/contract'
import type { Job } from '../../../../shared/jobs'
import { useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { useDraft } from '../../stores/draft'
import { useJobs } from '../../stores/jobs'
import { CompareDialog } from '../compare/CompareDialog'
import { ExtendDialog } from '../extend/ExtendDialog'
import { extendAgainOf } from '../extend/extendable'
import { PlayerDialog } from '../library/PlayerDialog'
import { childrenCount, groupJobs, isPlayable, needsFacts, newestJobs } from './feed-model'
import { COMPARE_MAX, FeedGroupView } from './FeedGroup'
import './feed.css'

// The feed of the Create workspace: the latest generations, newest first, the takes of one
// Generate together, each arriving while it is made and turning into its video in place. Takes
// ticked here (or a group's Compare) open side by side; a finished one can be extended.

function CompareBar({
  selection,
  onCompare,
  onClear,
}: {
  selection: string[]
  onCompare(ids: string[]): void
  onClear(): void
}): React.JSX.Element {
  const t = useT()
  return (
    <div className="compare-bar">
      <span aria-live="polite">{t('feed.selected', { n: selection.length })}</span>
      <button
        type="button"
        className="primary"
        disabled={selection.length < 2}
        onClick={() => onCompare(selection)}
      >
        {t('feed.compare', { n: selection.length })}
      </button>
      <button type="button" className="ghost" onClick={onClear}>
        {t('feed.clear')}
      </button>
    </div>
  )
}

function FirstRun(): React.JSX.Element {
  const t = useT()
  const sandbox = useApp((s) => s.info?.sandbox ?? false)
  return (
    <div className="feed-empty">
      <h3>{t('feed.emptyTitle')}</h3>
      <p>{t('feed.empty')}</p>
      {sandbox && <p className="muted">{t('feed.emptySandbox')}</p>}
    </div>
  )
}

/** The takes ticked for comparing (at most COMPARE_MAX), of those still finished on the page. */
function useTicked(byId: Record<string, Job>) {
  const [ticked, setTicked] = useState<string[]>([])
  const selection = ticked.filter((id) => {
    const job = byId[id]
    return job !== undefined && isPlayable(job)
  })
  const onSelect = useCallback(
    (id: string) =>
      setTicked((s) =>
        s.includes(id) ? s.filter((x) => x !== id) : s.length >= COMPARE_MAX ? s : [...s, id],
      ),
    [],
  )
  return { selection, onSelect, clear: () => setTicked([]) }
}

interface Extending {
  job: Job
  initial?: Omit<ExtendInput, 'id'>
}

export function Feed(): React.JSX.Element {
  const t = useT()
  const byId = useJobs((s) => s.byId)
  const playing = useApp((s) => s.selected)
  const facts = useJobs((s) => s.facts)
  // "Nothing yet" only once the history has answered: a returning person never sees it flash.
  const listed = useJobs((s) => s.firstListed)
  const jobs = useMemo(() => newestJobs(byId), [byId])
  const groups = useMemo(() => groupJobs(jobs), [jobs])
  const extensions = useMemo(() => childrenCount(byId), [byId])
  const { selection, onSelect, clear } = useTicked(byId)
  const [comparing, setComparing] = useState<string[] | null>(null)
  const [extending, setExtending] = useState<Extending | null>(null)

  // The shape of a take whose request does not name it comes from its file (asked once, and
  // again for a file saved anew).
  useEffect(() => {
    const ids = jobs.filter(needsFacts).map((j) => j.id)
    if (ids.length > 0) void useJobs.getState().ensureFacts(ids)
  }, [jobs])

  const onExtend = useCallback((job: Job) => setExtending({ job }), [])
  const onEdit = useCallback((job: Job) => {
    const again = extendAgainOf(job, useJobs.getState().byId)
    if (again) setExtending(again)
    else useDraft.getState().load(job.kind, job.request)
  }, [])

  return (
    <section className="feed" aria-labelledby="feed-title">
      <div className="feed-head">
        <h2 id="feed-title">{t('feed.title')}</h2>
        <button type="button" className="link" onClick={() => useApp.getState().go('library')}>
          {t('feed.library')}
        </button>
      </div>
      {selection.length > 0 && (
        <CompareBar selection={selection} onCompare={setComparing} onClear={clear} />
      )}
      {groups.length === 0 ? (
        listed && <FirstRun />
      ) : (
        <div className="feed-groups">
          {groups.map((group) => (
            <FeedGroupView
              key={group.key}
              group={group}
              byId={byId}
              facts={facts}
              extensions={extensions}
              selection={selection}
              onSelect={onSelect}
              onCompare={setComparing}
              onExtend={onExtend}
              onEdit={onEdit}
            />
          ))}
        </div>
      )}
      {playing && (
        <PlayerDialog id={playing} onClose={() => useApp.getState().set({ selected: null })} />
      )}
      {comparing && <CompareDialog ids={comparing} onClose={() => setComparing(null)} />}
      {extending && (
        <ExtendDialog
          job={extending.job}
          initial={extending.initial}
          onClose={() => setExtending(null)}
        />
      )}
    </section>
  )
}
