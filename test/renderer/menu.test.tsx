// @vitest-environment happy-dom
// The small menus (a tile's right-click menu, More): where they go, and what closes them.
import { cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Menu, MoreMenu } from '../../src/renderer/src/features/library/Menu'

afterEach(cleanup)

const items = (onSelect = vi.fn()) => [
  { key: 'a', label: 'Show in folder', onSelect },
  { key: 'b', label: 'Copy prompt', onSelect },
]

/** Gives an element a box, as a laid-out page would (the test's DOM lays nothing out). */
function boxOf(el: Element, box: { left: number; top: number; width: number; height: number }) {
  el.getBoundingClientRect = () =>
    ({
      ...box,
      x: box.left,
      y: box.top,
      right: box.left + box.width,
      bottom: box.top + box.height,
    }) as DOMRect
}

/** Opens a menu from its button, the menu measuring 200 × 90 (as laid out) while it places itself. */
function openSized(button: HTMLElement) {
  const measure = vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue({
    left: 0,
    top: 0,
    width: 200,
    height: 90,
    right: 200,
    bottom: 90,
  } as DOMRect)
  fireEvent.click(button)
  measure.mockRestore()
}

describe('menus', () => {
  it('opens More under its button in the window, whatever list it sits in, and closes on a choice', () => {
    const onSelect = vi.fn()
    render(
      <div data-testid="list" style={{ overflow: 'auto' }}>
        <MoreMenu items={items(onSelect)} />
      </div>,
    )
    const button = screen.getByRole('button', { name: /More/ })
    boxOf(button.parentElement!, { left: 600, top: 300, width: 80, height: 30 })
    // Menus measure themselves before they paint: given a size, the menu ends under the button.
    openSized(button)
    const menu = screen.getByRole('menu')
    expect(menu.className).toContain('anchored')
    // Right edges aligned (680 - 200), 4 px below the button (300 + 30 + 4).
    expect([menu.style.left, menu.style.top]).toEqual(['480px', '334px'])
    expect(document.activeElement).toBe(screen.getByRole('menuitem', { name: 'Show in folder' }))
    fireEvent.click(screen.getByRole('menuitem', { name: 'Copy prompt' }))
    expect(onSelect).toHaveBeenCalledTimes(1)
    expect(screen.queryByRole('menu')).toBeNull()
  })

  it('opens above its button when there is no room below', () => {
    render(<MoreMenu items={items()} />)
    const button = screen.getByRole('button', { name: /More/ })
    boxOf(button.parentElement!, { left: 600, top: window.innerHeight - 40, width: 80, height: 30 })
    openSized(button)
    expect(screen.getByRole('menu').style.top).toBe(`${window.innerHeight - 40 - 4 - 90}px`)
  })

  it('follows its button as the list under it moves, and goes once the button is out of sight', async () => {
    const onClose = vi.fn()
    render(
      <span className="menu-host" data-testid="host">
        <Menu label="More actions" items={items()} onClose={onClose} />
      </span>,
    )
    const host = screen.getByTestId('host')
    const menu = screen.getByRole('menu')
    const frame = () => new Promise((r) => setTimeout(r, 60))
    boxOf(host, { left: 600, top: 300, width: 80, height: 30 })
    await frame()
    // Takes arrived above it: the tile, and the button, moved down 120 px.
    boxOf(host, { left: 600, top: 420, width: 80, height: 30 })
    await frame()
    expect(parseFloat(menu.style.top)).toBeGreaterThan(420)
    expect(onClose).not.toHaveBeenCalled()
    // Scrolled out of the window: the menu goes with it.
    boxOf(host, { left: 600, top: -200, width: 80, height: 30 })
    await frame()
    expect(onClose).toHaveBeenCalled()
  })
})
