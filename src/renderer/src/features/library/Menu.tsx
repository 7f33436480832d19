import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import { useT } from '../../i18n'

// A small menu of actions: a tile's right-click menu, the "More" of the player and of a take in
// the feed. The keyboard moves through it with the arrows, Escape closes it (focus goes back where
// it was), so does a click elsewhere or a choice.

export interface MenuItem {
  key: string
  label: string
  onSelect(): void
  danger?: boolean
  disabled?: boolean
}

/**
 * Where a menu opened from a button goes: under it, its right edge at the button's (above it when
 * there is no room below). Placed in the window, not in the button's box, so no scrolling list it
 * sits in (the feed, a tile) cuts it off.
 */
function underHost(menu: HTMLElement): { x: number; y: number } | null {
  const host = menu.parentElement
  if (!host) return null
  const r = host.getBoundingClientRect()
  const box = menu.getBoundingClientRect()
  const below = r.bottom + 4
  const y = below + box.height <= window.innerHeight - 4 ? below : r.top - 4 - box.height
  return { x: r.right - box.width, y }
}

/** A menu at the pointer stays there; the window resizing puts it back inside. */
function followWindow(place: () => void): () => void {
  window.addEventListener('resize', place)
  return () => window.removeEventListener('resize', place)
}

/**
 * A menu under a button goes where the button goes, frame by frame (a list scrolled, a tile moved
 * by takes arriving above it, the window resized), and closes once the button is out of sight.
 */
function followHost(menu: HTMLElement, place: () => void, close: () => void): () => void {
  let last = ''
  let frame = requestAnimationFrame(function follow() {
    const host = menu.parentElement
    const r = host?.getBoundingClientRect()
    if (!host?.isConnected || !r || r.bottom < 0 || r.top > window.innerHeight) return close()
    const at = `${r.left},${r.top},${r.right},${r.bottom},${window.innerWidth},${window.innerHeight}`
    if (at !== last && last !== '') place()
    last = at
    frame = requestAnimationFrame(follow)
  })
  return () => cancelAnimationFrame(frame)
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
  const close = useRef(onClose)
  useEffect(() => {
    close.current = onClose
  }, [onClose])

  useLayoutEffect(() => {
    const el = menu.current
    if (!el) return
    const back = document.activeElement as HTMLElement | null
    const place = () => {
      const to = at ?? underHost(el)
      if (!to) return
      // Kept inside the window, whatever corner it was opened in.
      const box = el.getBoundingClientRect()
      el.style.left = `${Math.max(4, Math.min(to.x, window.innerWidth - box.width - 4))}px`
      el.style.top = `${Math.max(4, Math.min(to.y, window.innerHeight - box.height - 4))}px`
    }
    place()
    el.querySelector<HTMLElement>('[role="menuitem"]:not(:disabled)')?.focus({
      preventScroll: true,
    })
    const stopFollowing = at ? followWindow(place) : followHost(el, place, () => close.current())
    return () => {
      stopFollowing()
      // Back where it was, without scrolling a list the person may be scrolling.
      if (back?.isConnected) back.focus({ preventScroll: true })
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

/**
 * A "More ▾" button and the menu it opens under itself; `name` tells it apart from the others
 * on the page (a take's), for screen readers.
 */
export function MoreMenu({ items, name }: { items: MenuItem[]; name?: string }): React.JSX.Element {
  const t = useT()
  const [open, setOpen] = useState(false)
  return (
    <span className="menu-host">
      <button
        type="button"
        className="ghost"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={name}
        onClick={() => setOpen((m) => !m)}
      >
        {t('player.more')} <span aria-hidden="true">▾</span>
      </button>
      {open && <Menu label={t('player.moreLabel')} items={items} onClose={() => setOpen(false)} />}
    </span>
  )
}
