import { messages } from '../../i18n/define'
import { useLanguage } from '../../i18n'

// The export's own words, in both languages, kept beside it until they join the library's
// catalogue part: an export larger than one call may name is refused before anything is asked.

const EXPORT_MESSAGES = messages(
  {
    tooMany:
      'Export takes at most {max} videos at a time; {n} are selected. Select fewer and export again.',
  },
  {
    tooMany:
      'Ekspor menerima paling banyak {max} video sekaligus; {n} dipilih. Pilih lebih sedikit lalu ekspor lagi.',
  },
)

/** "Export takes at most 5000 videos at a time; 5001 are selected…", in the person's language. */
export function tooManyToExport(n: number, max: number): string {
  const language = useLanguage.getState().language
  return EXPORT_MESSAGES[language].tooMany
    .replace('{max}', max.toLocaleString(language))
    .replace('{n}', n.toLocaleString(language))
}
