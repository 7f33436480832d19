import { useEffect, useState } from 'react'
import type { Job } from '../../../../shared/jobs'
import { api, call } from '../../api'
import { useApp } from '../../stores/app'
import { useJobs } from '../../stores/jobs'
import { noticeFrom } from '../../ui/errors'

// Which video the player shows, and moving to the one before or after it in the library's
// current order (loading that page first when it is not loaded yet). Each video shown is asked
// for afresh, so a player opened on a job the page never loaded still has it.

export interface PlayerWalk {
  job: Job | undefined
  /** Its place in the library's order (-1: not in the loaded results). */
  position: number
  total: number
  estimate: boolean
  go(step: -1 | 1): Promise<void>
}

export function usePlayerWalk(id: string, onNavigate?: (id: string) => void): PlayerWalk {
  const [shown, setShown] = useState(id)
  const [asked, setAsked] = useState(id)
  if (asked !== id) {
    // Opened on another video from outside: that one, from here on.
    setAsked(id)
    setShown(id)
  }
  const held = useJobs((s) => s.byId[shown])
  const position = useJobs((s) => s.positionOf(shown))
  const total = useJobs((s) => s.total)
  const estimate = useJobs((s) => s.totalIsEstimate)
  const [fetched, setFetched] = useState<Job | null>(null)

  useEffect(() => {
    void call(api().tasks.get({ id: shown }))
      .then((res) => {
        setFetched(res.job)
        useJobs.getState().apply(res.job)
      })
      .catch((e: unknown) => useApp.getState().notify(noticeFrom(e)))
  }, [shown])

  const go = async (step: -1 | 1) => {
    const s = useJobs.getState()
    const at = s.positionOf(shown)
    const target = at + step
    if (at < 0 || target < 0 || target >= s.total) return
    if (!s.idAt(target))
      await s.ensurePositions(target, target).catch((e: unknown) => {
        useApp.getState().notify(noticeFrom(e))
      })
    const next = useJobs.getState().idAt(target)
    if (!next) return
    setShown(next)
    onNavigate?.(next)
  }

  const job = held ?? (fetched?.id === shown ? fetched : undefined)
  return { job, position, total, estimate, go }
}
