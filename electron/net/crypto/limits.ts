/**
 * Key-usage limits, as WireGuard sets them (whitepaper section 6.1 "Protocol constants"; the same
 * values in wireguard-go device/constants.go and the kernel's messages.h). transport.ts enforces
 * them; the session layer uses needsRekey()/expired() to start a new handshake in time.
 */

/** After this many sent messages a new handshake should start (2^60). */
export const REKEY_AFTER_MESSAGES = 2n ** 60n;
/**
 * No message may be sent or accepted with a counter at or above this (2^64 - 2^13 - 1): it keeps
 * the top of the 64-bit space, and a replay window's width below it, out of use.
 */
export const REJECT_AFTER_MESSAGES = 2n ** 64n - 2n ** 13n - 1n;
/** After this long a session should be replaced by a new handshake. */
export const REKEY_AFTER_TIME_MS = 120_000;
/** After this long a session must not be used at all, in either direction. */
export const REJECT_AFTER_TIME_MS = 180_000;

/** The replay bitmap: 8,192 bits, as WireGuard's (RFC 6479 ring of 32-bit blocks here). */
export const REPLAY_RING_BITS = 8_192;
/** Bits per ring block; RFC 6479 keeps one block as slack while the window slides. */
export const REPLAY_BLOCK_BITS = 32;
/** How far behind the newest counter a packet may still be accepted: 8,160. */
export const REPLAY_WINDOW_SIZE = REPLAY_RING_BITS - REPLAY_BLOCK_BITS;
