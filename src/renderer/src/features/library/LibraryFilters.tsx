import { useEffect, useState } from 'react'
import type { JobState } from '../../../../shared/jobs'
import { ASPECT_RATIOS, MODEL_CATALOGUE } from '../../../../shared/kling'
import { useT } from '../../i18n'
import { useApp } from '../../stores/app'
import { useJobs } from '../../stores/jobs'
import { noticeFrom } from '../../ui/errors'
import { fromQuery, toQuery, type Filters } from './filters'

// The library's search and filters, turned into the query main answers (a short pause after
// typing, so each key does not start a search).

/** A filter with "Any" first: the empty value, no filter. */
function Choice({
  label,
  value,
  set,
  options,
}: {
  label: string
  value: string
  set(value: string): void
  options: readonly (readonly [string, string])[]
}): React.JSX.Element {
  const t = useT()
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => set(e.target.value)}>
        <option value="">{t('library.any')}</option>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  )
}

export function LibraryFilters({
  search,
}: {
  search: React.RefObject<HTMLInputElement | null>
}): React.JSX.Element {
  const t = useT()
  const setQuery = useJobs((s) => s.setQuery)
  const notify = useApp((s) => s.notify)
  const [f, setFilters] = useState(() => fromQuery(useJobs.getState().query))
  const set =
    <K extends keyof Filters>(key: K) =>
    (value: Filters[K]) =>
      setFilters((old) => ({ ...old, [key]: value }))

  useEffect(() => {
    const timer = setTimeout(() => {
      void setQuery(toQuery(f, Date.now())).catch((e: unknown) => notify(noticeFrom(e)))
    }, 200)
    return () => clearTimeout(timer)
  }, [f, setQuery, notify])

  return (
    <>
      <label className="search">
        <span className="sr-only">{t('library.search')}</span>
        <input
          ref={search}
          type="search"
          placeholder={t('browse.searchHint')}
          aria-keyshortcuts="/"
          value={f.text}
          onChange={(e) => set('text')(e.target.value)}
        />
      </label>
      <Choice
        label={t('library.filterStatus')}
        value={f.status}
        set={(v) => set('status')(v as JobState | '')}
        options={(['done', 'failed', 'expired', 'processing'] as const).map((s) => [
          s,
          t(`state.${s}`),
        ])}
      />
      <Choice
        label={t('library.filterModel')}
        value={f.model}
        set={set('model')}
        options={MODEL_CATALOGUE.map((m) => [m.name, m.label])}
      />
      <Choice
        label={t('library.filterAspect')}
        value={f.aspect}
        set={set('aspect')}
        options={ASPECT_RATIOS.map((r) => [r, r])}
      />
      <Choice
        label={t('library.filterDate')}
        value={f.since}
        set={(v) => set('since')(v as Filters['since'])}
        options={[
          ['day', t('library.today')],
          ['week', t('library.week')],
          ['month', t('library.month')],
        ]}
      />
      <label className="inline">
        <input
          type="checkbox"
          checked={f.favourites}
          onChange={(e) => set('favourites')(e.target.checked)}
        />{' '}
        {t('library.favourites')}
      </label>
    </>
  )
}
