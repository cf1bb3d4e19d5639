import { z } from 'zod';
import {
  MAX_FRAGMENTS,
  MAX_HOST_LENGTH,
  MAX_ID_LENGTH,
  MAX_NICK_LENGTH,
  MAX_REPLY_EXCERPT,
  MAX_STATUS_TEXT_LENGTH,
  NODE_ID_HEX_LENGTH,
  PROTOCOL_MARKER,
} from './constants';

/**
 * The packet union of wire protocol v1. Every packet carries `proto`, `v`, `kind` and `from`
 * (the sender's node id). Unknown fields are ignored so newer peers can add them.
 */

const nodeId = z.string().regex(new RegExp(`^[0-9a-f]{${NODE_ID_HEX_LENGTH}}$`));
const messageId = z
  .string()
  .min(1)
  .max(MAX_ID_LENGTH)
  .regex(/^[A-Za-z0-9_-]+$/);
const port = z.number().int().min(1).max(65_535);
const seq = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
// Control characters would let a peer rewrite the terminal or fake UI lines.
// eslint-disable-next-line no-control-regex
const noControl = /^[^\u0000-\u001f\u007f]*$/;
/** A nickname as every peer accepts it on the wire (the settings use the same rule). */
export const nickText = z.string().min(1).max(MAX_NICK_LENGTH).regex(noControl);
const nick = nickText;
const host = z.string().max(MAX_HOST_LENGTH).regex(noControl);

export const PEER_STATUSES = ['online', 'away', 'busy'] as const;
export type PeerStatus = (typeof PEER_STATUSES)[number];
/** An unknown status from a newer peer reads as online rather than rejecting its announce. */
const status = z
  .string()
  .max(16)
  .transform((s): PeerStatus =>
    (PEER_STATUSES as readonly string[]).includes(s) ? (s as PeerStatus) : 'online',
  );

const header = { from: nodeId };
/** A custom status text as every peer accepts it (the settings use the same rule). */
export const statusTextSchema = z.string().max(MAX_STATUS_TEXT_LENGTH).regex(noControl);

/**
 * The message a text answers (optional, protocol v1 compatible: older peers drop the field): its
 * id and a short excerpt, so the quote shows even where the original was never received.
 */
export const replySchema = z.object({
  id: messageId,
  excerpt: z.string().max(MAX_REPLY_EXCERPT).regex(noControl),
});
/** UTF-16 units; the UTF-8 byte limit (MAX_TEXT_BYTES) is checked where text is written. */
const MAX_TEXT_CHARS = 65_536;

const announceFields = {
  ...header,
  nick,
  host,
  /** The sender's client port: where it sends from and wants replies. */
  port,
  /** The sender's TCP fallback port, or 0 when TCP is off. */
  tcp: z.number().int().min(0).max(65_535),
  status,
  /** Optional: a custom status text ("In a meeting"); a malformed one is dropped. */
  statusText: statusTextSchema.optional().catch(undefined),
  /** Optional: the hue (0-359) of the sender's avatar colour; a malformed one is dropped. */
  hue: z.number().int().min(0).max(359).optional().catch(undefined),
};

export const announceSchema = z.object({ kind: z.literal('announce'), ...announceFields });
export const announceReplySchema = z.object({
  kind: z.literal('announce-reply'),
  ...announceFields,
});
export const byeSchema = z.object({ kind: z.literal('bye'), ...header });
/** "I am typing to you": unreliable, not stored, not acknowledged; older peers ignore the kind. */
export const typingSchema = z.object({ kind: z.literal('typing'), ...header });
export const textSchema = z.object({
  kind: z.literal('text'),
  ...header,
  /** Unique message id, chosen by the sender. */
  id: messageId,
  /** Identifies the sender's sequence space; a new epoch restarts sequence numbers at 1. */
  epoch: messageId,
  /** Per-sender (per destination) sequence number, from 1. */
  seq,
  /** Lowest sequence number the sender still tries to deliver; lower gaps will never be filled. */
  floor: seq,
  /** Sender's wall clock when the message was written (ms since the epoch). */
  ts: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  text: z.string().min(1).max(MAX_TEXT_CHARS),
  /** A malformed reply is dropped, never the message it came with. */
  reply: replySchema.optional().catch(undefined),
});
/** One piece of a text too long for a datagram, sent when TCP is off (see PROTOCOL.md). */
export const fragSchema = z.object({
  kind: z.literal('frag'),
  ...header,
  id: messageId,
  epoch: messageId,
  seq,
  floor: seq,
  ts: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  index: z
    .number()
    .int()
    .min(0)
    .max(MAX_FRAGMENTS - 1),
  count: z.number().int().min(2).max(MAX_FRAGMENTS),
  data: z.string().min(1),
  /** Every fragment of a reply carries it, so the cuts do not depend on which piece is first. */
  reply: replySchema.optional().catch(undefined),
});
export const ackSchema = z.object({
  kind: z.literal('ack'),
  ...header,
  id: messageId,
  epoch: messageId,
  seq,
});

export const packetSchema = z.discriminatedUnion('kind', [
  announceSchema,
  announceReplySchema,
  byeSchema,
  textSchema,
  fragSchema,
  ackSchema,
  typingSchema,
]);

export const headerSchema = z.object({
  proto: z.literal(PROTOCOL_MARKER),
  v: z.number().int().min(1),
  kind: z.string().min(1).max(32),
});

export type AnnouncePacket = z.output<typeof announceSchema>;
export type AnnounceReplyPacket = z.output<typeof announceReplySchema>;
export type ByePacket = z.output<typeof byeSchema>;
export type TextPacket = z.output<typeof textSchema>;
export type AckPacket = z.output<typeof ackSchema>;
export type FragPacket = z.output<typeof fragSchema>;
export type TextReply = z.output<typeof replySchema>;
export type Packet = z.output<typeof packetSchema>;
export type PacketKind = Packet['kind'];
export const PACKET_KINDS: readonly PacketKind[] = packetSchema.options.map(
  (o) => o.shape.kind.value,
);
