/** Wire protocol v2 constants. docs/PROTOCOL.md is the prose version of this file. */

/** Every PacketChat JSON packet (a plain announce, or a sealed record's inner packet) carries this. */
export const PROTOCOL_MARKER = 'pchat';
export const PROTOCOL_VERSION = 2;

/** Largest UDP payload we send or accept. Stays under the IPv6 minimum MTU so IP never fragments. */
export const MAX_DATAGRAM_BYTES = 1200;
/**
 * A sealed record (electron/net/crypto/wire-format.ts): type (1), receiver index (4), counter
 * (8) and the AES-GCM tag (16) around the inner packet.
 */
export const SEALED_OVERHEAD_BYTES = 29;
/** The largest inner packet that still fits one datagram once sealed. */
export const MAX_INNER_DATAGRAM_BYTES = MAX_DATAGRAM_BYTES - SEALED_OVERHEAD_BYTES;

export const DEFAULT_SERVER_PORT = 8000;
export const DEFAULT_CLIENT_PORT = 4000;
/** How many consecutive ports the node tries, from the base client port upward, before giving up. */
export const CLIENT_PORT_ATTEMPTS = 100;

export const MAX_NICK_LENGTH = 32;
export const MAX_HOST_LENGTH = 64;
/** A custom status ("In a meeting") as announces carry it. */
export const MAX_STATUS_TEXT_LENGTH = 60;
/** The statuses an announce names (an unknown one from a newer peer reads as online). */
export const PEER_STATUSES = ['online', 'away', 'busy'] as const;
export type PeerStatus = (typeof PEER_STATUSES)[number];
export const MAX_ID_LENGTH = 64;
export const NODE_ID_HEX_LENGTH = 32;
/** Message ids and stream epochs as this node writes them: 9 random bytes in base64url. */
export const MESSAGE_ID_LENGTH = 12;

/** Discovery timers (milliseconds). */
export const ANNOUNCE_INTERVAL_MS = 15_000;
/** A peer not heard from for this long is offline: three missed announces, well within a minute. */
export const PEER_TIMEOUT_MS = 45_000;
/**
 * A peer that sends nothing for this long after a transmission to it is shown "not responding",
 * long before PEER_TIMEOUT_MS marks it offline (docs/PROTOCOL.md).
 */
export const NOT_RESPONDING_AFTER_MS = 2_500;
/** Replies to an announce wait a random delay up to this, so a broadcast does not cause a reply storm. */
export const ANNOUNCE_REPLY_MAX_DELAY_MS = 250;

/**
 * "Typing…": a `typing` packet goes at most this often per conversation (unreliable, never
 * stored or acknowledged); the receiver shows it for TYPING_SHOWN_MS after the last one.
 */
export const TYPING_INTERVAL_MS = 3_000;
export const TYPING_SHOWN_MS = 6_000;

/** Reliable delivery (RFC 6298 style). */
export const RTO_INITIAL_MS = 500;
export const RTO_MIN_MS = 200;
export const RTO_MAX_MS = 8_000;
/** Transmissions of one message over UDP (the first send plus retransmissions). */
export const MAX_UDP_TRANSMISSIONS = 7;
/** Retransmission timers are scaled by a random factor in [1 - JITTER, 1 + JITTER]. */
export const RTO_JITTER = 0.2;

/** Receiver limits. */
export const MAX_REORDER_BUFFER = 256;
export const DEDUPE_MEMORY_PER_PEER = 1024;
export const MAX_PEERS = 4096;

/** Per-source rate limit (token bucket): sustained datagrams per second and burst size. */
export const RATE_LIMIT_PER_SECOND = 400;
export const RATE_LIMIT_BURST = 800;
export const MAX_RATE_LIMITED_SOURCES = 4096;
/**
 * The budget of sealed records to a live session, per host that holds sessions with us (token
 * bucket, datagrams). Larger than an unknown source's: a record that names a session costs one
 * index lookup and one AEAD open, and an authenticated peer streaming messages sends one datagram
 * per message to a node without bundles (about 0.2 with them; docs/PROTOCOL.md "Bundles"), 6,000-8,000
 * a second on a 2-core machine, so the unknown-source rate would drop most of a burst and make
 * every message retransmit.
 */
export const SESSION_RATE_LIMIT_PER_SECOND = 20_000;
export const SESSION_RATE_LIMIT_BURST = 4_000;

/** Handshake payload `features`: at most this many names, each at most this long. */
export const MAX_FEATURES = 16;
export const MAX_FEATURE_LENGTH = 32;
/**
 * Bundles (feature `bundle`, docs/PROTOCOL.md): packets in one sealed record at most, and
 * entries in one `acks` packet at most. A bundle over the limit is refused whole.
 */
export const MAX_BUNDLE_PACKETS = 64;
export const MAX_ACKS_PER_PACKET = 64;

/** Longest excerpt of a quoted message carried by a reply (UTF-16 units). */
export const MAX_REPLY_EXCERPT = 140;

/** Longest chat text, in UTF-8 bytes. Longer than one datagram goes over TCP or as fragments. */
export const MAX_TEXT_BYTES = 65_536;

/** TCP fallback framing: 4-byte big-endian length, then one sealed record (or handshake packet). */
export const MAX_FRAME_BYTES = 512 * 1024;
/** The largest inner packet a sealed TCP record carries. */
export const MAX_INNER_FRAME_BYTES = MAX_FRAME_BYTES - SEALED_OVERHEAD_BYTES;
export const TCP_CONNECT_TIMEOUT_MS = 3_000;
/** A frame must arrive whole within this long of its first byte (defends against slow senders). */
export const TCP_FRAME_TIMEOUT_MS = 10_000;
export const TCP_IDLE_TIMEOUT_MS = 30_000;
/** After the UDP retries, the TCP attempt waits this long for the ack before `pending`. */
export const TCP_ACK_TIMEOUT_MS = 5_000;
export const MAX_TCP_CONNECTIONS = 64;

/** Fragments (long messages with TCP off). */
export const MAX_FRAGMENTS = 256;
export const MAX_PARTIAL_MESSAGES = 64;
export const MAX_PARTIAL_PER_PEER = 8;
export const MAX_PARTIAL_BYTES = 4 * 1024 * 1024;
export const REASSEMBLY_TIMEOUT_MS = 30_000;

/** Packet log ring size. */
export const PACKET_LOG_SIZE = 2_000;
/** Strangers (plain UDP tools) remembered at once. */
export const MAX_STRANGERS = 256;
