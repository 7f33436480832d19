import { create } from 'zustand'
import { en, type MessageKey } from './en'
import { id } from './id'
import { resolveLanguage, type Language } from '../../../shared/language'

export type { Language }
export type { MessageKey }

const CATALOGUES: Record<Language, Record<MessageKey, string>> = { en, id }

/** The OS language decides at first start: Indonesian for id-*, English otherwise. */
export function systemLanguage(
  languages: readonly string[] = navigator.languages ?? [navigator.language],
): Language {
  return resolveLanguage('system', languages)
}

export function translate(
  language: Language,
  key: MessageKey,
  params: Record<string, string | number> = {},
): string {
  const text = CATALOGUES[language][key] ?? en[key] ?? key
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`))
}

interface LanguageState {
  language: Language
  setLanguage(language: Language): void
}

export const useLanguage = create<LanguageState>((set) => ({
  language: 'en',
  setLanguage: (language) => {
    document.documentElement.lang = language
    set({ language })
  },
}))

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string

export function useT(): Translate {
  const language = useLanguage((s) => s.language)
  return (key, params) => translate(language, key, params)
}
