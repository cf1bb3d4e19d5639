import { splitPieces } from '../../../shared/ipmsg-text';
import { encodeText, type IpmsgEncoding } from './text-encoding';

/**
 * Cuts `text` into pieces whose encoded form fits `room` bytes, at code point boundaries and,
 * where one is near, after a line break. IPMsg has no fragments: each piece is its own SENDMSG.
 * The rule is shared with the composer's size indicator (shared/ipmsg-text.ts).
 */
export function splitText(text: string, encoding: IpmsgEncoding, room: number): string[] {
  return splitPieces(text, (piece) => encodeText(piece, encoding).byteLength, room);
}
