// A text's size as an IPMsg peer receives it: bytes in the peer's encoding (UTF-8, GB18030 or
// CP932), and how many SENDMSG packets the module cuts it into (shared/ipmsg-text.ts). The
// browser has no GB18030 or Shift_JIS encoder, only decoders, so which characters take two bytes
// is learned once by decoding every two-byte sequence.
import { IPMSG_PIECE_BYTES, splitPieces } from '../../../shared/ipmsg-text';
import { utf8Length } from '../../../shared/utf8';

export type IpmsgTextEncoding = 'utf-8' | 'gb18030' | 'cp932';

/** Characters with a two-byte form, per encoding (built on first use). */
const twoByte = new Map<'gb18030' | 'cp932', ReadonlySet<number>>();

/** Every character some (lead, trail) pair decodes to, with the decoder WHATWG names `label`. */
function pairsOf(label: string, leads: [number, number][], trails: [number, number][]) {
  const decoder = new TextDecoder(label, { fatal: false });
  const found = new Set<number>();
  const pair = new Uint8Array(2);
  for (const [leadLow, leadHigh] of leads)
    for (let lead = leadLow; lead <= leadHigh; lead += 1)
      for (const [trailLow, trailHigh] of trails)
        for (let trail = trailLow; trail <= trailHigh; trail += 1) {
          pair[0] = lead;
          pair[1] = trail;
          const text = decoder.decode(pair);
          const code = text.codePointAt(0);
          // One character and not the replacement: this pair is that character's form.
          if (code !== undefined && code !== 0xfffd && text.length === 1) found.add(code);
        }
  return found;
}

function twoByteSet(encoding: 'gb18030' | 'cp932'): ReadonlySet<number> {
  let set = twoByte.get(encoding);
  if (set === undefined) {
    set =
      encoding === 'gb18030'
        ? pairsOf(
            'gb18030',
            [[0x81, 0xfe]],
            [
              [0x40, 0x7e],
              [0x80, 0xfe],
            ],
          )
        : pairsOf(
            'shift_jis',
            [
              [0x81, 0x9f],
              [0xe0, 0xfc],
            ],
            [
              [0x40, 0x7e],
              [0x80, 0xfc],
            ],
          );
    twoByte.set(encoding, set);
  }
  return set;
}

/** Bytes of `text` in `encoding`, as the module's encoder (iconv-lite) writes them. */
export function ipmsgByteLength(text: string, encoding: IpmsgTextEncoding): number {
  if (encoding === 'utf-8') return utf8Length(text);
  const pairs = twoByteSet(encoding);
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x80) bytes += 1;
    else if (pairs.has(code)) bytes += 2;
    // GB18030 writes every other character in four bytes. CP932 writes half-width katakana in
    // one, and `?` for what it cannot carry.
    else bytes += encoding === 'gb18030' ? 4 : 1;
  }
  return bytes;
}

/** How many SENDMSG packets the module sends `text` as. */
export function ipmsgPieces(text: string, encoding: IpmsgTextEncoding): number {
  if (text === '') return 0;
  return splitPieces(text, (piece) => ipmsgByteLength(piece, encoding), IPMSG_PIECE_BYTES).length;
}
