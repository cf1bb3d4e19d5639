// A shortcut past the zod schemas for the packets a busy stream is made of: `text` (plain chat:
// no group, reply or control), `ack` and `acks`. It never refuses anything: a packet it is not
// sure of goes to the zod schemas as before. What it accepts, zod accepts too and gives back as
// the same object (test/shared/protocol/hot-packets.test.ts checks both over generated input).
import { MAX_ACKS_PER_PACKET, MAX_ID_LENGTH, PROTOCOL_MARKER, PROTOCOL_VERSION } from './constants';
import { MESSAGE_ID_PATTERN, NODE_ID_PATTERN } from './fields';
import { MAX_TEXT_CHARS, type AckPacket, type AcksPacket, type TextPacket } from './packets';

const isNodeId = (value: unknown): value is string =>
  typeof value === 'string' && NODE_ID_PATTERN.test(value);
/** `messageId` in fields.ts. */
const isMessageId = (value: unknown): value is string =>
  typeof value === 'string' &&
  value.length >= 1 &&
  value.length <= MAX_ID_LENGTH &&
  MESSAGE_ID_PATTERN.test(value);
/** An integer from `min` to Number.MAX_SAFE_INTEGER (`seq` and `ts` in packets.ts). */
const isCount = (value: unknown, min: number): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min;
/** What z.object() takes as an object. */
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export type HotPacket = TextPacket | AckPacket | AcksPacket;

/**
 * The packet `json` is, when it is valid and one of the hot shapes; undefined otherwise (then
 * only the zod schemas can tell whether it is valid). `json` is one parsed JSON object.
 */
export function hotPacket(json: Record<string, unknown>): HotPacket | undefined {
  if (json['proto'] !== PROTOCOL_MARKER || json['v'] !== PROTOCOL_VERSION) return undefined;
  return hotCompactPacket(json, json['from']);
}

/**
 * `hotPacket` of a packet from a compact bundle, which carries no `proto`, `v` or `from` (the
 * caller has checked that it names none of them): the same answer as `hotPacket` gives for
 * `json` with `proto` and `v` and this `from` written into it, without writing them into it.
 */
export function hotCompactPacket(
  json: Record<string, unknown>,
  from: unknown,
): HotPacket | undefined {
  switch (json['kind']) {
    case 'text':
      return hotText(json, from);
    case 'acks':
      return hotAcks(json, from);
    case 'ack':
      return hotAck(json, from);
    default:
      return undefined;
  }
}

function hotText(json: Record<string, unknown>, from: unknown): TextPacket | undefined {
  // Only a plain chat text: the optional fields (and their catch rules) are zod's to judge.
  if ('group' in json || 'reply' in json || 'control' in json) return undefined;
  const { id, epoch, seq, floor, ts, text } = json;
  if (
    !isNodeId(from) ||
    !isMessageId(id) ||
    !isMessageId(epoch) ||
    !isCount(seq, 1) ||
    !isCount(floor, 1) ||
    !isCount(ts, 0) ||
    typeof text !== 'string' ||
    text.length < 1 ||
    text.length > MAX_TEXT_CHARS
  )
    return undefined;
  // The fields in the schema's order, as zod gives them back.
  return { kind: 'text', from, id, epoch, seq, floor, ts, text };
}

function hotAck(json: Record<string, unknown>, from: unknown): AckPacket | undefined {
  const { id, epoch, seq } = json;
  if (!isNodeId(from) || !isMessageId(id) || !isMessageId(epoch) || !isCount(seq, 1))
    return undefined;
  return { kind: 'ack', from, id, epoch, seq };
}

function hotAcks(json: Record<string, unknown>, from: unknown): AcksPacket | undefined {
  const { acks } = json;
  if (!isNodeId(from) || !Array.isArray(acks)) return undefined;
  const list: readonly unknown[] = acks;
  if (list.length < 1 || list.length > MAX_ACKS_PER_PACKET) return undefined;
  const entries: AcksPacket['acks'][number][] = [];
  for (const entry of list) {
    if (!isObject(entry)) return undefined;
    const { id, epoch, seq } = entry;
    if (!isMessageId(id) || !isMessageId(epoch) || !isCount(seq, 1)) return undefined;
    entries.push({ id, epoch, seq });
  }
  return { kind: 'acks', from, acks: entries };
}
