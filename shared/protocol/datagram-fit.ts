// Whether a chat text fits one datagram, and a packet's JSON text. Plain code without the zod
// schemas (only their types): the renderer's composer shows the node's UDP-or-TCP answer before
// sending, and its first screen must not load zod. codec.ts re-exports these for the node.
import {
  MAX_INNER_DATAGRAM_BYTES,
  MESSAGE_ID_LENGTH,
  NODE_ID_HEX_LENGTH,
  PROTOCOL_MARKER,
  PROTOCOL_VERSION,
} from './constants';
import type { GroupRef } from './groups';
import type { Packet, TextReply } from './packets';

const encoder = new TextEncoder();

/** The JSON text of a packet, header first so it reads well in a capture. */
export function serialize(packet: Packet): string {
  return JSON.stringify({ proto: PROTOCOL_MARKER, v: PROTOCOL_VERSION, ...packet });
}

/** Bytes the packet takes on the wire. */
export function encodingLength(packet: Packet): number {
  return encoder.encode(serialize(packet)).byteLength;
}

const LONGEST = Number.MAX_SAFE_INTEGER;

/** What a stream message is besides chat text: a group item or a control message, never both. */
export type StreamRole = { readonly group: GroupRef } | { readonly control: string };

/**
 * Whether a chat text fits one datagram as a sealed `text` packet with the longest header any
 * sender writes (32-hex id, 12-character message id, largest numbers), with its group descriptor
 * when it is a group item or its consumer's name when it is a control message. The node decides
 * UDP or TCP with this, and the composer shows the same answer before sending.
 */
export function fitsOneDatagram(text: string, reply?: TextReply, role?: StreamRole): boolean {
  // Without encoding where the length decides: JSON takes at least one byte and at most six
  // (a \u escape) per UTF-16 unit. A group item or a control message is always probed.
  if (text.length > MAX_INNER_DATAGRAM_BYTES) return false;
  if (
    reply === undefined &&
    role === undefined &&
    text.length * 6 + emptyTextBytes() <= MAX_INNER_DATAGRAM_BYTES
  )
    return true;
  return probeLength(text, reply, role) <= MAX_INNER_DATAGRAM_BYTES;
}

let emptyText: number | undefined;
/** The probe's length with an empty text: the envelope every text packet pays. */
function emptyTextBytes(): number {
  emptyText ??= probeLength('');
  return emptyText;
}

function probeLength(text: string, reply?: TextReply, role?: StreamRole): number {
  const probe: Packet = {
    kind: 'text',
    from: '0'.repeat(NODE_ID_HEX_LENGTH),
    id: 'x'.repeat(MESSAGE_ID_LENGTH),
    epoch: 'x'.repeat(MESSAGE_ID_LENGTH),
    seq: LONGEST,
    floor: LONGEST,
    ts: LONGEST,
    text,
    ...(reply === undefined ? {} : { reply }),
    ...(role === undefined
      ? {}
      : 'group' in role
        ? { group: role.group }
        : { control: role.control }),
  };
  return encodingLength(probe);
}
