export function App(): React.JSX.Element {
  return (
    <main>
      <h1>Kling Studio</h1>
      <p>Compose, queue and library arrive with the next issues.</p>
    </main>
  )
}
