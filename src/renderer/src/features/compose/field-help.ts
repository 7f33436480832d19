// How a control finds its inline error: the parts of the composer share one of these, so every
// field is marked and described the same way.

export interface FieldHelp {
  /** The localized error for a request field, when errors are shown. */
  error(field: string): string | null
  /** aria-describedby for a control: its error (if shown) and any help ids. */
  describedBy(field: string, ...more: string[]): string | undefined
}

export function fieldHelp(errors: Record<string, string>, show: boolean): FieldHelp {
  const error = (field: string) => (show && errors[field] ? errors[field] : null)
  return {
    error,
    describedBy: (field, ...more) =>
      [error(field) ? `err-${field}` : '', ...more].filter(Boolean).join(' ') || undefined,
  }
}
