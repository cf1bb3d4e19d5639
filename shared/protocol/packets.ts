import { z } from 'zod';
import {
  MAX_ACKS_PER_PACKET,
  MAX_FEATURES,
  MAX_FEATURE_LENGTH,
  MAX_FRAGMENTS,
  MAX_HOST_LENGTH,
  MAX_NICK_LENGTH,
  MAX_REPLY_EXCERPT,
  MAX_STATUS_TEXT_LENGTH,
  PEER_STATUSES,
  PROTOCOL_MARKER,
  type PeerStatus,
} from './constants';
import { messageId, noControl, nodeId, seq, visibleLabel } from './fields';
import { groupRefSchema, groupSyncSchema, groupWantSchema } from './groups';

/**
 * The JSON packets of wire protocol v2. Every packet carries `proto`, `v`, `kind` and `from`
 * (the sender's node id). Only `announce` travels in the clear, as a hint that a node is there;
 * every other kind travels inside a sealed record of an authenticated session (docs/PROTOCOL.md).
 * Unknown fields are ignored so newer peers can add them.
 */

const port = z.number().int().min(1).max(65_535);
/** A nickname as every peer accepts it on the wire (the settings use the same rule). */
export const nickText = visibleLabel(MAX_NICK_LENGTH, 1);
const nick = nickText;
const host = visibleLabel(MAX_HOST_LENGTH, 0);

export { PEER_STATUSES, type PeerStatus } from './constants';
/** An unknown status from a newer peer reads as online rather than rejecting its announce. */
const status = z
  .string()
  .max(16)
  .transform((s): PeerStatus =>
    (PEER_STATUSES as readonly string[]).includes(s) ? (s as PeerStatus) : 'online',
  );

const header = { from: nodeId };
/**
 * A custom status text as every peer accepts it (the settings use the same rule): shown beside
 * the name, so invisible characters are stripped from it as from names.
 */
export const statusTextSchema = visibleLabel(MAX_STATUS_TEXT_LENGTH, 0);

/**
 * The message a text answers (optional): its id and a short excerpt, so the quote shows even
 * where the original was never received.
 */
export const replySchema = z.object({
  id: messageId,
  excerpt: z.string().max(MAX_REPLY_EXCERPT).regex(noControl),
});
/** UTF-16 units; the UTF-8 byte limit (MAX_TEXT_BYTES) is checked where text is written. */
export const MAX_TEXT_CHARS = 65_536;

/**
 * The consumers of control messages (docs/PROTOCOL.md, "Control messages"): a reliable message
 * whose `control` names one of them carries that consumer's message in `text`, not chat text.
 */
export const CONTROL_NAMES = ['file'] as const;
export type ControlName = (typeof CONTROL_NAMES)[number];
/**
 * Optional `control` on `text` and `frag`. Any name of up to 32 characters passes (a newer peer's
 * consumer is acknowledged and ignored, so its stream never stalls); a value that is no such
 * string reads as `?`, which no consumer has: never as chat text.
 */
const control = z.string().min(1).max(32).optional().catch('?');

/**
 * A stream message is a chat text, a group item (`group`) or a control message (`control`),
 * never two at once: a packet carrying both is refused whole.
 */
function oneRole(packet: { group?: unknown; control?: unknown }): boolean {
  return packet.group === undefined || packet.control === undefined;
}
const ONE_ROLE = { message: 'a group item cannot be a control message' };

const ports = {
  /** The sender's client port: where it sends from and wants replies. */
  port,
  /** The sender's TCP fallback port, or 0 when TCP is off. */
  tcp: z.number().int().min(0).max(65_535),
};

/** Who a node is, as it tells an authenticated peer (handshake payload and `hello`). */
export const profileFields = {
  nick,
  host,
  ...ports,
  status,
  /** Optional: a custom status text ("In a meeting"); a malformed one is dropped. */
  statusText: statusTextSchema.optional().catch(undefined),
  /** Optional: the hue (0-359) of the sender's avatar colour; a malformed one is dropped. */
  hue: z.number().int().min(0).max(359).optional().catch(undefined),
};

/**
 * In the clear, to the broadcast address: "a node with this id listens here". Only a hint: the
 * receiver starts a handshake to learn (and prove) who is really there.
 */
export const announceSchema = z.object({ kind: z.literal('announce'), ...header, ...ports });
/** Sealed: the sender's profile, as an answer to an announce and when it changes. */
export const helloSchema = z.object({ kind: z.literal('hello'), ...header, ...profileFields });
/** Sealed: the sender is leaving. */
export const byeSchema = z.object({ kind: z.literal('bye'), ...header });
/** "I am typing to you": unreliable, not stored, not acknowledged; older peers ignore the kind. */
export const typingSchema = z.object({ kind: z.literal('typing'), ...header });
export const textSchema = z
  .object({
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
    /** A group item (a signed group message, or a membership snapshot in `text`): docs/PROTOCOL.md. */
    group: groupRefSchema.optional(),
    /** A malformed reply is dropped, never the message it came with. */
    reply: replySchema.optional().catch(undefined),
    /** Set: `text` is a control message for this consumer (file transfers: `file`), not chat. */
    control,
  })
  .refine(oneRole, ONE_ROLE);
/** One piece of a text too long for a datagram, sent when TCP is off (see PROTOCOL.md). */
export const fragSchema = z
  .object({
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
    /** As on `text`: every fragment of a group item carries it. */
    group: groupRefSchema.optional(),
    /** Every fragment of a reply carries it, so the cuts do not depend on which piece is first. */
    reply: replySchema.optional().catch(undefined),
    /** As on `text`: every fragment of a control message carries it. */
    control,
  })
  .refine(oneRole, ONE_ROLE);
export const ackSchema = z.object({
  kind: z.literal('ack'),
  ...header,
  id: messageId,
  epoch: messageId,
  seq,
});
/**
 * Several acks in one packet (feature `bundle`): the texts of one receiver turn, each stored
 * before this packet is sent, acknowledged as if each had its own `ack`. Sent only to a peer
 * whose handshake payload listed `bundle`.
 */
export const acksSchema = z.object({
  kind: z.literal('acks'),
  ...header,
  acks: z
    .array(z.object({ id: messageId, epoch: messageId, seq }))
    .min(1)
    .max(MAX_ACKS_PER_PACKET),
});

/**
 * Sealed, over TCP only, as the first frame of a new connection: "this connection carries file
 * data records from now on" (a data lane, docs/PROTOCOL.md "File data"). The accepting node
 * answers with the same packet on it; every later frame is a sealed data record.
 */
export const laneSchema = z.object({ kind: z.literal('lane'), ...header });

export const packetSchema = z.discriminatedUnion('kind', [
  announceSchema,
  helloSchema,
  byeSchema,
  textSchema,
  fragSchema,
  ackSchema,
  acksSchema,
  typingSchema,
  groupSyncSchema,
  groupWantSchema,
  laneSchema,
]);

export const headerSchema = z.object({
  proto: z.literal(PROTOCOL_MARKER),
  v: z.number().int().min(1),
  kind: z.string().min(1).max(32),
});

/**
 * The payload of Noise messages 2 and 3 (each side's profile), encrypted by the handshake.
 * `aliases`: node ids this node had before (a profile from protocol v1 keeps its old random id
 * here, so peers can keep its history attached).
 */
export const handshakePayloadSchema = z.object({
  ...profileFields,
  aliases: z.array(nodeId).max(4).optional(),
  /** The Ed25519 public key (hex) this node signs group messages with. */
  sign: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  /**
   * Optional protocol features this node understands (`bundle`: sealed records that carry several
   * packets, and `acks`; docs/PROTOCOL.md "Bundles"). Unknown values are ignored; a peer that
   * sends none gets none of them.
   */
  features: z.array(z.string().min(1).max(MAX_FEATURE_LENGTH)).max(MAX_FEATURES).optional(),
});
export type HandshakePayload = z.output<typeof handshakePayloadSchema>;

export type AnnouncePacket = z.output<typeof announceSchema>;
export type HelloPacket = z.output<typeof helloSchema>;
export type ByePacket = z.output<typeof byeSchema>;
export type TextPacket = z.output<typeof textSchema>;
export type AckPacket = z.output<typeof ackSchema>;
export type AcksPacket = z.output<typeof acksSchema>;
export type FragPacket = z.output<typeof fragSchema>;
export type GroupSyncPacket = z.output<typeof groupSyncSchema>;
export type GroupWantPacket = z.output<typeof groupWantSchema>;
export type LanePacket = z.output<typeof laneSchema>;
export type TextReply = z.output<typeof replySchema>;
export type Packet = z.output<typeof packetSchema>;
export type PacketKind = Packet['kind'];
export const PACKET_KINDS: readonly PacketKind[] = packetSchema.options.map(
  (o) => o.shape.kind.value,
);
