import { encodeText, type IpmsgEncoding } from './text-encoding';

/**
 * Cuts `text` into pieces whose encoded form fits `room` bytes, at code point boundaries and,
 * where one is near, after a line break. IPMsg has no fragments: each piece is its own SENDMSG.
 */
export function splitText(text: string, encoding: IpmsgEncoding, room: number): string[] {
  if (room < 8) throw new RangeError(`no room for text (${room} bytes)`);
  if (encodeText(text, encoding).byteLength <= room) return [text];
  const pieces: string[] = [];
  const chars = Array.from(text);
  let start = 0;
  while (start < chars.length) {
    const end = fittingEnd(chars, start, encoding, room);
    const cut = preferLineBreak(chars, start, end);
    pieces.push(chars.slice(start, cut).join(''));
    start = cut;
  }
  return pieces;
}

/** The largest `end` such that chars[start, end) fits, found by doubling then bisection. */
function fittingEnd(
  chars: readonly string[],
  start: number,
  encoding: IpmsgEncoding,
  room: number,
): number {
  const fits = (end: number): boolean =>
    encodeText(chars.slice(start, end).join(''), encoding).byteLength <= room;
  let low = start + 1; // one character always fits: room >= 8 and a character is at most 4 bytes
  let high = Math.min(chars.length, start + room);
  if (fits(high)) return high;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle;
  }
  return low;
}

function preferLineBreak(chars: readonly string[], start: number, end: number): number {
  if (end >= chars.length) return end;
  const window = Math.max(start + 1, end - 200);
  for (let i = end - 1; i >= window; i -= 1) if (chars[i] === '\n') return i + 1;
  return end;
}
