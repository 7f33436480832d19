import type { FieldHelp } from './field-help'

// A request field's error, under its control, with the id the control's aria-describedby names.

export function FieldError({ help, field }: { help: FieldHelp; field: string }) {
  const text = help.error(field)
  return text ? (
    <p id={`err-${field}`} className="field-error">
      {text}
    </p>
  ) : null
}
