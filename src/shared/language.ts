import type { Settings } from './settings'

/** Every language the page speaks. */
export const LANGUAGE_CODES = ['en', 'id'] as const
export type Language = (typeof LANGUAGE_CODES)[number]

/**
 * The language to speak: the one chosen in settings, or, left to the system, Indonesian when the
 * OS prefers it (id-*, or the old code in-*) and English otherwise. Main (notifications) and the
 * page decide alike.
 */
export function resolveLanguage(
  preference: Settings['language'],
  systemLanguages: readonly string[],
): Language {
  if (preference !== 'system') return preference
  return systemLanguages.some((l) => /^(id|in)(-|_|$)/i.test(l)) ? 'id' : 'en'
}
