import { seededRandom } from '../../shared/seeded-random'
import type { DialectName } from '../kling/dialects'
import { DEFAULT_FAULT_KINDS, FaultPlan } from './faults'
import type { EmulatorOptions } from './options'
import { RESULT_LIFETIME_SECONDS } from './options'
import { findSamplesDir } from './samples'
import { TaskStore } from './task-store'

// One running emulator's state, handed to every route: its settings with defaults filled in, its
// tasks, its two fault plans (API and downloads), its timers and its address once listening.

export interface EmulatorContext {
  options: EmulatorOptions
  dialect: DialectName
  timeScale: number
  samplesDir: string
  retryAfterSeconds: number
  /** Changeable while running (POST /__emulator/config). */
  slowMs: number
  resultLifetimeMs: number
  imageFetchTimeoutMs: number
  log: (line: string) => void
  store: TaskStore
  faults: FaultPlan
  downloadFaults: FaultPlan
  timers: Set<NodeJS.Timeout>
  later: (ms: number, fn: () => void) => void
  baseUrl: string
}

export function createContext(options: EmulatorOptions): EmulatorContext {
  const timeScale = options.timeScale ?? 1
  const seed = options.seed ?? 1
  const timers = new Set<NodeJS.Timeout>()
  return {
    options,
    dialect: options.dialect ?? options.errorStyle ?? 'kling',
    timeScale,
    samplesDir: options.samplesDir ?? findSamplesDir(),
    retryAfterSeconds: options.retryAfterSeconds ?? 1,
    slowMs: options.slowMs ?? 1500,
    resultLifetimeMs: options.resultLifetimeMs ?? (RESULT_LIFETIME_SECONDS * 1000) / timeScale,
    imageFetchTimeoutMs: options.imageFetchTimeoutMs ?? 5000,
    log: options.log ?? (() => {}),
    store: new TaskStore(seededRandom(seed), timeScale, {
      meanSeconds: options.durations?.meanSeconds ?? 180,
      spread: options.durations?.spread ?? 0.5,
    }),
    faults: new FaultPlan(options.faultRate ?? 0, options.faultKinds ?? DEFAULT_FAULT_KINDS, seed),
    downloadFaults: new FaultPlan(
      options.downloadFaultRate ?? options.faultRate ?? 0,
      DEFAULT_FAULT_KINDS,
      seed + 1,
    ),
    timers,
    later: (ms, fn) => {
      const t = setTimeout(() => {
        timers.delete(t)
        fn()
      }, ms)
      timers.add(t)
    },
    baseUrl: '',
  }
}
