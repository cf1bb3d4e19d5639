// The relay's MQTT topics and its two JSON payloads (docs/RELAY.md, docs/PROTOCOL.md "Relay").
// Everything else a relay carries is a v2 packet (a handshake message or a sealed record), the
// same bytes as a datagram or a TCP frame, as the payload of a message to an inbox topic.
import { z } from 'zod';
import { NODE_ID_HEX_LENGTH, PROTOCOL_MARKER, PROTOCOL_VERSION } from './constants';
import { nickText } from './packets';

/** Every topic of protocol v2 on a broker starts with this (other versions use their own). */
export const RELAY_TOPIC_PREFIX = 'pchat/v2/';
/** The largest presence or directory payload accepted (they are well under 300 bytes). */
export const MAX_RELAY_NOTICE_BYTES = 1_024;
/** The broker keeps a node's presence this long after an abrupt disconnect before the will. */
export const RELAY_WILL_DELAY_S = 10;
/** How long the broker keeps a node's session (subscriptions and queued inbox messages). */
export const RELAY_SESSION_EXPIRY_S = 7 * 24 * 60 * 60;
/**
 * Inbox messages expire at the broker after these times: a handshake message is useless once the
 * handshake timed out (10 s), a sealed record once its session is gone (180 s).
 */
export const RELAY_HANDSHAKE_EXPIRY_S = 10;
export const RELAY_RECORD_EXPIRY_S = 180;
/** Presence and directory entries are published at most this often, except real changes. */
export const RELAY_NOTICE_INTERVAL_MS = 30_000;

const NODE_ID = new RegExp(`^[0-9a-f]{${NODE_ID_HEX_LENGTH}}$`);

export function isNodeId(text: string): boolean {
  return NODE_ID.test(text);
}

/** Where a topic belongs, or undefined for anything that is not one of ours. */
export type RelayTopic =
  | { readonly kind: 'presence'; readonly nodeId: string }
  | { readonly kind: 'directory'; readonly nodeId: string }
  | { readonly kind: 'inbox'; readonly to: string; readonly from: string };

export const relayTopics = {
  presence: (nodeId: string): string => `${RELAY_TOPIC_PREFIX}presence/${nodeId}`,
  directory: (nodeId: string): string => `${RELAY_TOPIC_PREFIX}directory/${nodeId}`,
  /** The sender's id is the last level, so a broker ACL can hold a node to its own id. */
  inbox: (to: string, from: string): string => `${RELAY_TOPIC_PREFIX}inbox/${to}/${from}`,
  /** What a node subscribes to for its own inbox. */
  inboxFilter: (nodeId: string): string => `${RELAY_TOPIC_PREFIX}inbox/${nodeId}/+`,
  directoryFilter: `${RELAY_TOPIC_PREFIX}directory/+`,
} as const;

export function parseRelayTopic(topic: string): RelayTopic | undefined {
  if (!topic.startsWith(RELAY_TOPIC_PREFIX)) return undefined;
  const parts = topic.slice(RELAY_TOPIC_PREFIX.length).split('/');
  const [kind, a, b] = parts;
  if (a === undefined || !isNodeId(a)) return undefined;
  if (parts.length === 2 && (kind === 'presence' || kind === 'directory'))
    return { kind, nodeId: a };
  if (parts.length === 3 && kind === 'inbox' && b !== undefined && isNodeId(b))
    return { kind: 'inbox', to: a, from: b };
  return undefined;
}

const header = {
  proto: z.literal(PROTOCOL_MARKER),
  v: z.literal(PROTOCOL_VERSION),
  from: z.string().regex(NODE_ID),
};

/** `online` while connected; the broker publishes the retained `offline` will when it is not. */
export const presenceSchema = z.object({
  ...header,
  kind: z.literal('presence'),
  state: z.enum(['online', 'offline']),
});

/**
 * The directory entry people search: a nickname and the X25519 public key (hex) whose hash is
 * the node id. A hint like an announce: whoever answers a handshake to this id proves the key.
 */
export const directorySchema = z.object({
  ...header,
  kind: z.literal('directory'),
  nick: nickText,
  key: z.string().regex(/^[0-9a-f]{64}$/),
});

export type PresenceNotice = z.infer<typeof presenceSchema>;
export type DirectoryNotice = z.infer<typeof directorySchema>;
export type RelayNotice = PresenceNotice | DirectoryNotice;

const noticeSchema = z.discriminatedUnion('kind', [presenceSchema, directorySchema]);
const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

export function encodeRelayNotice(notice: RelayNotice): Uint8Array {
  return encoder.encode(JSON.stringify(notice));
}

/** Never throws: anything but a well-formed notice (of bounded size) is undefined. */
export function decodeRelayNotice(bytes: Uint8Array): RelayNotice | undefined {
  if (bytes.byteLength === 0 || bytes.byteLength > MAX_RELAY_NOTICE_BYTES) return undefined;
  try {
    const parsed = noticeSchema.safeParse(JSON.parse(decoder.decode(bytes)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined; // not UTF-8 or not JSON
  }
}
