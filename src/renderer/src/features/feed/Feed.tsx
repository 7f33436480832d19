// The feed of latest generations beside the composer (filled in by the feed work).

export function Feed(): React.JSX.Element {
  return <section className="feed" aria-label="Feed" />
}
