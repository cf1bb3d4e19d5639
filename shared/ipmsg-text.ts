// How a long text goes to an IPMsg peer: IPMsg has no fragments, so the module sends it as several
// SENDMSG packets (docs/IPMSG.md, "Messages"). The cutting rule lives here so the composer's size
// indicator counts the same pieces the module sends, each measured in the peer's encoding.

/**
 * Encoded bytes of text in one SENDMSG from us. iptux reads datagrams of 8,192 bytes at most and
 * our datagrams stay at 8,191 (electron/net/ipmsg/constants.ts MAX_SEND_DATAGRAM_BYTES); the
 * header and our names take the rest.
 */
export const IPMSG_PIECE_BYTES = 8_000;

/** Longest text the module takes in one call (UTF-8 bytes), whatever the peer's encoding. */
export const IPMSG_MAX_TEXT_BYTES = 65_536;

/**
 * Cuts `text` into pieces of at most `room` bytes as `measure` counts them, at code point
 * boundaries and, where one is near, after a line break.
 */
export function splitPieces(
  text: string,
  measure: (piece: string) => number,
  room: number,
): string[] {
  if (room < 8) throw new RangeError(`no room for text (${room} bytes)`);
  if (measure(text) <= room) return [text];
  const pieces: string[] = [];
  const chars = Array.from(text);
  let start = 0;
  while (start < chars.length) {
    const end = fittingEnd(chars, start, measure, room);
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
  measure: (piece: string) => number,
  room: number,
): number {
  const fits = (end: number): boolean => measure(chars.slice(start, end).join('')) <= room;
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
