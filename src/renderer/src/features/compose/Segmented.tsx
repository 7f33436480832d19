// One look for every "pick one of a few" in the composer: native radios (arrow keys, one tab stop,
// screen readers) drawn as a row of segments, with the focus ring on the segment.

export interface Segment<V extends string> {
  value: V
  label: React.ReactNode
  /** The accessible name when the label is not plain text. */
  name?: string
  disabled?: boolean
  /** Why it is disabled, or what it means: a tooltip. */
  title?: string
}

interface Props<V extends string> {
  name: string
  legend: string
  /** Shown visibly (default) or to screen readers only. */
  hideLegend?: boolean
  value: V
  options: readonly Segment<V>[]
  onChange(value: V): void
  describedBy?: string
  className?: string
}

export function Segmented<V extends string>(props: Props<V>): React.JSX.Element {
  const { name, legend, hideLegend, value, options, onChange, describedBy, className } = props
  return (
    <fieldset className={`seg-field ${className ?? ''}`} aria-describedby={describedBy}>
      <legend className={hideLegend ? 'sr-only' : 'seg-legend'}>{legend}</legend>
      <div className="seg">
        {options.map((o) => (
          <label key={o.value} className="seg-item" title={o.title}>
            <input
              type="radio"
              name={name}
              value={o.value}
              checked={o.value === value}
              disabled={o.disabled}
              aria-label={o.name}
              onChange={() => onChange(o.value)}
            />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  )
}
