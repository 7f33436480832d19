import { useT } from '../../i18n'
import { isUnreachable } from '../../ui/errors'
import { ErrorLines } from '../../ui/Notice'
import type { KeyCheck } from '../welcome/key-check'

// What a key test found, said where the test was asked for: that the key works there, that the
// service refused it, or that the address could not be reached, and why, with the request id.

export function KeyCheckResult({
  result,
  address,
  id,
}: {
  result: KeyCheck
  address: string
  id?: string
}): React.JSX.Element {
  const t = useT()
  if (result.kind === 'works')
    return (
      <p id={id} className="result result-ok" role="status">
        <ErrorLines
          lead={t('prefs.keyWorks', { address })}
          message=""
          requestId={result.requestId}
        />
      </p>
    )
  if (result.kind === 'refused')
    return (
      <p id={id} className="result result-error" role="alert">
        <ErrorLines
          lead={t('prefs.keyRefused')}
          message={result.message}
          requestId={result.requestId}
        />
      </p>
    )
  if (isUnreachable(result.code))
    return (
      <p id={id} className="result result-error" role="alert">
        <ErrorLines
          lead={t('prefs.unreachable', { address })}
          message={result.message}
          requestId={result.requestId}
        />
      </p>
    )
  // Reached, but it could not say (trouble on its side, or no Kling API at that address).
  return (
    <p id={id} className="result result-error" role="alert">
      <strong className="lead-line">{t('prefs.unchecked', { address })}</strong>{' '}
      <ErrorLines code={result.code} message={result.message} requestId={result.requestId} />
    </p>
  )
}
