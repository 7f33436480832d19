import { CAMERA_AXES, CAMERA_PRESETS, type CameraAxis } from '../../../../shared/kling'
import { useT } from '../../i18n'
import type { FieldHelp } from './field-help'
import { FieldError } from './FieldError'
import type { ComposeForm } from './form'

// Camera movement: automatic, one of the four presets, or one custom axis with an amount (the
// control can only ever set one axis, which is what the service requires).

interface Props {
  form: ComposeForm
  update(patch: Partial<ComposeForm>): void
  help: FieldHelp
  /** Why it cannot be used now (a last frame is set), or null. */
  off: string | null
}

export function CameraField({ form, update, help, off }: Props): React.JSX.Element {
  const t = useT()
  const choices = ['none', ...CAMERA_PRESETS, 'simple'] as const
  return (
    <div className="field">
      <label htmlFor="camera" className="seg-legend">
        {t('compose.camera')}
      </label>
      <select
        id="camera"
        value={form.camera}
        // Back to automatic stays possible; anything else waits until the last frame goes.
        onChange={(e) => update({ camera: e.target.value as ComposeForm['camera'] })}
        aria-invalid={help.error('camera_control') ? true : undefined}
        aria-describedby={help.describedBy('camera_control', off ? 'camera-off' : '')}
      >
        {choices.map((c) => (
          <option key={c} value={c} disabled={Boolean(off) && c !== 'none'}>
            {t(`compose.camera.${c}`)}
          </option>
        ))}
      </select>
      {form.camera === 'simple' && (
        <div className="camera-custom">
          <div className="field">
            <label htmlFor="axis">{t('compose.axis')}</label>
            <select
              id="axis"
              value={form.axis}
              onChange={(e) => update({ axis: e.target.value as CameraAxis })}
            >
              {CAMERA_AXES.map((a) => (
                <option key={a} value={a}>
                  {t(`compose.axis.${a}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="amount">{t('compose.amount')}</label>
            <div className="slider-row">
              <input
                id="amount"
                type="range"
                min={-10}
                max={10}
                step={1}
                value={form.amount}
                onChange={(e) => update({ amount: Number(e.target.value) })}
                aria-invalid={help.error('camera_control') ? true : undefined}
                aria-describedby={help.describedBy('camera_control')}
              />
              <output htmlFor="amount">{form.amount}</output>
            </div>
          </div>
        </div>
      )}
      {off && (
        <p id="camera-off" className="help">
          {off}
        </p>
      )}
      <FieldError help={help} field="camera_control" />
    </div>
  )
}
