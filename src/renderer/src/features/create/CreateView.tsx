import { ComposeView } from '../compose/ComposeView'
import { Feed } from '../feed/Feed'
import './create.css'

// The Create workspace: the composer on the left, the feed of the latest generations beside it,
// so what a prompt makes arrives where it was written.

export function CreateView(): React.JSX.Element {
  return (
    <div className="create-workspace">
      <ComposeView />
      <Feed />
    </div>
  )
}
