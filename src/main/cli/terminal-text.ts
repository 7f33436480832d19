// Text that came from a server or from the history, made safe to print on a terminal: a hostile
// server's message could otherwise clear the screen, move the cursor, rewrite what was printed
// before, set the window title or hide text. Escape sequences (ESC or C1 introduced: CSI, OSC,
// DCS, SOS, PM, APC and the two-byte ones) go whole, then every control character left: C0, DEL
// and C1. Line breaks and tabs in such text become spaces; the command line's own line breaks are
// added around it, never taken from it. JSON output needs none of this: JSON.stringify escapes
// every control character.

/* eslint-disable no-control-regex -- matching control characters is this file's whole purpose */
const SEQUENCES = new RegExp(
  [
    // String commands (OSC, DCS, SOS, PM, APC) up to their terminator, or to the end if unended.
    '(?:\\u001b[\\]PX^_]|[\\u0090\\u0098\\u009d\\u009e\\u009f])[\\s\\S]*?(?:\\u0007|\\u001b\\\\|\\u009c|$)',
    // CSI: parameters, intermediates and a final byte (whatever of it is there).
    '(?:\\u001b\\[|\\u009b)[0-?]*[ -/]*[@-~]?',
    // Any other escape: intermediates and a final byte.
    '\\u001b[ -/]*[0-~]?',
  ].join('|'),
  'g',
)
const SPACING = /[\t\n\v\f\r]/g
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g
/* eslint-enable no-control-regex */

/** One line of foreign text for a terminal: no escape sequences, no control characters. */
export function terminalText(text: string): string {
  return text.replace(SEQUENCES, '').replace(SPACING, ' ').replace(CONTROLS, '')
}

/** Several lines of text for a terminal: each line as terminalText makes it, the breaks kept. */
export function terminalLines(text: string): string {
  return text.split(/\r?\n/).map(terminalText).join('\n')
}
