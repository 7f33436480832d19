import { useLayoutEffect, useRef, useState } from 'react'
import type { MediaFacts } from '../../../../shared/contract'
import type { Job } from '../../../../shared/jobs'
import { useT, type MessageKey } from '../../i18n'
import { isPlayable, shapeOf, type FeedGroup } from './feed-model'
import { modelText, optionsText } from './summary'
import { Tile } from './Tile'

// One Generate in the feed: its prompt (cut short, whole on hover or when opened), kind, model
// and options, and its takes side by side, each in its own shape.

export const COMPARE_MAX = 4

export interface GroupProps {
  group: FeedGroup
  byId: Record<string, Job>
  facts: Record<string, MediaFacts>
  extensions: Record<string, number>
  selection: string[]
  onSelect(id: string): void
  onCompare(ids: string[]): void
  onExtend(job: Job): void
  onEdit(job: Job): void
}

function GroupHead({
  group,
  byId,
  onCompare,
}: Pick<GroupProps, 'group' | 'byId' | 'onCompare'>): React.JSX.Element {
  const t = useT()
  const [open, setOpen] = useState(false)
  // Whether the prompt is cut at this width: only then is there a whole prompt to show.
  const [cut, setCut] = useState(false)
  const text = useRef<HTMLParagraphElement>(null)
  // A group is made from at least one job.
  const first = group.jobs[0]!
  const prompt = first.request.prompt ?? ''
  const playable = group.jobs.filter(isPlayable)
  const meta = [
    t(`feed.kind.${first.kind}` as MessageKey),
    modelText(first, t, first.parentJobId ? byId[first.parentJobId] : undefined),
    ...optionsText(first, t),
    ...(group.jobs.length > 1 ? [t('feed.takes', { n: group.jobs.length })] : []),
  ].filter((part): part is string => part !== null)

  useLayoutEffect(() => {
    const el = text.current
    if (!el || open || typeof ResizeObserver !== 'function') return
    // Called once as it starts observing, then whenever the width changes.
    const observer = new ResizeObserver(() => setCut(el.scrollHeight > el.clientHeight + 1))
    observer.observe(el)
    return () => observer.disconnect()
  }, [open, prompt])

  return (
    <header className="group-head">
      <div className="group-text">
        <p
          id={headIdOf(group)}
          ref={text}
          className={open ? 'group-prompt' : 'group-prompt clamped'}
          title={cut && !open ? prompt : undefined}
        >
          {prompt || t('feed.noPrompt')}
        </p>
        {(cut || open) && (
          <button
            type="button"
            className="link"
            aria-expanded={open}
            onClick={() => setOpen(!open)}
          >
            {open ? t('feed.showLess') : t('feed.showMore')}
          </button>
        )}
        <p className="group-meta">{meta.join(' · ')}</p>
      </div>
      {playable.length >= 2 && (
        <button
          type="button"
          onClick={() => onCompare(playable.slice(0, COMPARE_MAX).map((j) => j.id))}
        >
          {t('feed.compareGroup')}
        </button>
      )}
    </header>
  )
}

const headIdOf = (group: FeedGroup) => `feed-group-${group.key}`

export function FeedGroupView(props: GroupProps): React.JSX.Element {
  const { group, byId, facts, extensions, selection } = props
  const several = group.jobs.length > 1
  return (
    // A one-take group is a card of its own size: several sit side by side on a wide window.
    <article
      className={several ? 'feed-group' : 'feed-group single'}
      aria-labelledby={headIdOf(group)}
    >
      <GroupHead group={group} byId={byId} onCompare={props.onCompare} />
      <ul className="tile-grid">
        {group.jobs.map((job, i) => {
          const parent = job.parentJobId ? byId[job.parentJobId] : undefined
          const selected = selection.includes(job.id)
          return (
            <Tile
              key={job.id}
              job={job}
              take={several ? i + 1 : 0}
              shape={shapeOf(job, facts[job.id])}
              parentPrompt={parent ? (parent.request.prompt ?? '') : null}
              extensions={extensions[job.id] ?? 0}
              selected={selected}
              selectable={selected || selection.length < COMPARE_MAX}
              onSelect={props.onSelect}
              onExtend={props.onExtend}
              onEdit={props.onEdit}
            />
          )
        })}
      </ul>
    </article>
  )
}
