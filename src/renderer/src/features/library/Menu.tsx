import { useEffect, useLayoutEffect, useRef } from 'react'

// A small menu of actions: a tile's right-click menu, the player's "More". The keyboard moves
// through it with the arrows, Escape closes it (focus goes back where it was), so does a click
// elsewhere or a choice.

export interface MenuItem {
  key: string
  label: string
  onSelect(): void
  danger?: boolean
  disabled?: boolean
}

/** Arrows, Home and End move through the items; Escape or Tab closes. */
function menuKey(e: React.KeyboardEvent<HTMLDivElement>, onClose: () => void): void {
  const all = [...e.currentTarget.querySelectorAll<HTMLElement>('[role="menuitem"]:not(:disabled)')]
  const at = all.indexOf(document.activeElement as HTMLElement)
  const go = (i: number) => all[(i + all.length) % all.length]?.focus()
  if (e.key === 'ArrowDown') go(at + 1)
  else if (e.key === 'ArrowUp') go(at - 1)
  else if (e.key === 'Home') go(0)
  else if (e.key === 'End') go(all.length - 1)
  else if (e.key === 'Escape' || e.key === 'Tab') onClose()
  else return
  e.preventDefault()
  e.stopPropagation()
}

export function Menu({
  items,
  label,
  at,
  onClose,
}: {
  items: MenuItem[]
  label: string
  /** Where it opens (the pointer); without it, under the element it sits in. */
  at?: { x: number; y: number }
  onClose(): void
}): React.JSX.Element {
  const menu = useRef<HTMLDivElement>(null)

  useLayoutEffect(() => {
    const el = menu.current
    if (!el) return
    const back = document.activeElement as HTMLElement | null
    el.querySelector<HTMLElement>('[role="menuitem"]:not(:disabled)')?.focus()
    if (at) {
      // Kept inside the window, whatever corner it was opened in.
      const box = el.getBoundingClientRect()
      el.style.left = `${Math.max(4, Math.min(at.x, window.innerWidth - box.width - 4))}px`
      el.style.top = `${Math.max(4, Math.min(at.y, window.innerHeight - box.height - 4))}px`
    }
    return () => {
      if (back?.isConnected) back.focus()
    }
  }, [at])

  useEffect(() => {
    // An anchored menu's host holds the button that opens it: that button toggles it instead.
    const host = at ? menu.current : menu.current?.parentElement
    const away = (e: PointerEvent) => {
      if (!host?.contains(e.target as Node)) onClose()
    }
    document.addEventListener('pointerdown', away, true)
    window.addEventListener('blur', onClose)
    return () => {
      document.removeEventListener('pointerdown', away, true)
      window.removeEventListener('blur', onClose)
    }
  }, [onClose, at])

  return (
    <div
      ref={menu}
      role="menu"
      aria-label={label}
      className={at ? 'menu floating' : 'menu anchored'}
      style={at ? { left: at.x, top: at.y } : undefined}
      onKeyDown={(e) => menuKey(e, onClose)}
      onContextMenu={(e) => e.preventDefault()}
    >
      {items.map((item) => (
        <button
          key={item.key}
          type="button"
          role="menuitem"
          tabIndex={-1}
          className={item.danger ? 'danger' : undefined}
          disabled={item.disabled}
          onClick={() => {
            onClose()
            item.onSelect()
          }}
        >
          {item.label}
        </button>
      ))}
    </div>
  )
}
