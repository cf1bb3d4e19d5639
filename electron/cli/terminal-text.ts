// Text written on other machines, made safe for a terminal. A peer's message, nick or host name
// must never reach the terminal as a control: C0 and C1 controls start escape sequences (colours,
// cursor moves, window titles, OSC 52 clipboard writes), DEL and BEL misbehave, and the bidi
// embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069; Unicode UAX #9) reorder what
// follows, so a name could pretend to be another ("Trojan Source", CVE-2021-42574). Each such
// character is shown as a visible escape instead: `\x1b`, `\x9b`, `\u202e`.

// eslint-disable-next-line no-control-regex
const UNSAFE_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_NAME = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function visible(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** A message body: newlines and tabs stay (a multi-line message stays readable), all else is shown. */
export function safeText(text: string): string {
  return text.replace(UNSAFE_IN_TEXT, visible);
}

/** A name, address or one-line notice: newlines and tabs are shown too, so it stays on one line. */
export function safeName(text: string): string {
  return text.replace(UNSAFE_IN_NAME, visible);
}

/**
 * A message under its header: every line after the first is indented, so no line of a message
 * can start at column 0 and pass for a header ("12:00 [bob …] …") or a notice of our own.
 */
export function indentBody(text: string, indent: string): string {
  return safeText(text).replace(/\n/g, `\n${indent}`);
}
