import { Component, Fragment, useEffect, useRef, type ErrorInfo, type ReactNode } from 'react'
import { useT } from '../i18n'
import './error-boundary.css'

// One view that throws while drawing must not take the window with it: in its place a calm panel
// in the person's language says what happened, offers to reload just that view (a fresh mount of
// it), and shows the error's message for support. The rail and the other views keep working.

interface Props {
  /** The view's name as the rail says it ("Library"), for the panel's sentence. */
  name: string
  children: ReactNode
}

interface State {
  error: Error | null
  /** Bumped by Reload: the view is mounted afresh under a new key. */
  attempt: number
}

function messageOf(error: Error): string {
  return error.message || error.name || String(error)
}

/** What stands in for a view that failed. */
function ViewFailed(props: { name: string; error: Error; onReload(): void }): React.JSX.Element {
  const t = useT()
  const heading = useRef<HTMLHeadingElement>(null)
  // The keyboard was somewhere in the view that is gone: it lands on the panel's heading.
  useEffect(() => heading.current?.focus(), [])
  return (
    <section className="card attention view-failed" role="alert" aria-labelledby="view-failed">
      <h1 id="view-failed" ref={heading} tabIndex={-1}>
        {t('viewError.title')}
      </h1>
      <p>{t('viewError.body', { view: props.name })}</p>
      <div className="button-row">
        <button type="button" className="primary" onClick={props.onReload}>
          {t('viewError.reload')}
        </button>
      </div>
      <div className="view-failed-support">
        <p className="muted">{t('viewError.again')}</p>
        <p className="view-failed-label">{t('viewError.message')}</p>
        {/* The engine's own words, English whatever the person's language. */}
        <code className="mono" lang="en">
          {messageOf(props.error)}
        </code>
      </div>
    </section>
  )
}

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, attempt: 0 }

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error instanceof Error ? error : new Error(String(error)) }
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    // For whoever reads the window's console (developer tools): where in the view it broke.
    console.error(`[view ${this.props.name}]`, error, info.componentStack)
  }

  private readonly reload = (): void => {
    this.setState((s) => ({ error: null, attempt: s.attempt + 1 }))
  }

  override render(): ReactNode {
    const { error, attempt } = this.state
    if (error) return <ViewFailed name={this.props.name} error={error} onReload={this.reload} />
    return <Fragment key={attempt}>{this.props.children}</Fragment>
  }
}
