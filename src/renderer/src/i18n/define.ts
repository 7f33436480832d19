// One feature's messages in both languages, side by side: the type refuses an Indonesian
// catalogue that misses an English key. en.ts and id.ts merge the parts.

export interface Messages<E extends Record<string, string>> {
  en: E
  id: { [K in keyof E]: string }
}

export function messages<const E extends Record<string, string>>(
  en: E,
  id: { [K in keyof E]: string },
): Messages<E> {
  return { en, id }
}
