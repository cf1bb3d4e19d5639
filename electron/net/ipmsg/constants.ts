// IP Messenger protocol numbers and this module's limits. Values from IP Messenger's ipmsg.h
// (github.com/shirouzu/ipmsg, src/ipmsg.h) and its protocol document (prot-eng.txt, Draft-9);
// iptux-only commands from iptux's src/iptux-core/internal/ipmsg.h. docs/IPMSG.md is the prose.
import { IPMSG_MAX_TEXT_BYTES } from '../../../shared/ipmsg-text';

export const IPMSG_PORT = 2425;

/** Low 8 bits of the command number: what the packet is. */
export const Command = {
  NOOPERATION: 0x00,
  BR_ENTRY: 0x01,
  BR_EXIT: 0x02,
  ANSENTRY: 0x03,
  BR_ABSENCE: 0x04,
  BR_ISGETLIST: 0x10,
  OKGETLIST: 0x11,
  GETLIST: 0x12,
  ANSLIST: 0x13,
  BR_ISGETLIST2: 0x18,
  SENDMSG: 0x20,
  RECVMSG: 0x21,
  READMSG: 0x30,
  DELMSG: 0x31,
  ANSREADMSG: 0x32,
  GETINFO: 0x40,
  SENDINFO: 0x41,
  GETABSENCEINFO: 0x50,
  SENDABSENCEINFO: 0x51,
  GETFILEDATA: 0x60,
  RELEASEFILES: 0x61,
  GETDIRFILES: 0x62,
  GETPUBKEY: 0x72,
  ANSPUBKEY: 0x73,
  /** iptux: a group, segment or broadcast message (no acknowledgement). */
  IPTUX_SENDMSG: 0xfb,
  IPTUX_SEND_SIGN: 0xfc,
  IPTUX_SENDSUBLAYER: 0xfd,
  IPTUX_SENDICON: 0xfe,
  IPTUX_ASKSHARED: 0xff,
} as const;

/** High 24 bits: options. Some bits mean different things for different commands. */
export const Option = {
  // for every command
  ABSENCEOPT: 0x0000_0100,
  SERVEROPT: 0x0000_0200,
  DIALUPOPT: 0x0001_0000,
  FILEATTACHOPT: 0x0020_0000,
  ENCRYPTOPT: 0x0040_0000,
  UTF8OPT: 0x0080_0000,
  CAPUTF8OPT: 0x0100_0000,
  ENCEXTMSGOPT: 0x0400_0000,
  CLIPBOARDOPT: 0x0800_0000,
  // for SENDMSG (0x100 and 0x200 are also ABSENCEOPT and SERVEROPT above)
  SENDCHECKOPT: 0x0000_0100,
  SECRETOPT: 0x0000_0200,
  BROADCASTOPT: 0x0000_0400,
  MULTICASTOPT: 0x0000_0800,
  AUTORETOPT: 0x0000_2000,
  RETRYOPT: 0x0000_4000,
  PASSWORDOPT: 0x0000_8000,
  NOLOGOPT: 0x0002_0000,
  NOADDLISTOPT: 0x0008_0000,
  READCHECKOPT: 0x0010_0000,
  /** iptux: the offer lists shared files (answer to IPTUX_ASKSHARED). */
  IPTUX_SHAREDOPT: 0x8000_0000,
} as const;

/** File attribute (low 8 bits of fileattr). */
export const FileKind = {
  REGULAR: 0x01,
  DIR: 0x02,
  RETPARENT: 0x03,
  SYMLINK: 0x04,
} as const;

/** Extended file attributes in folder streams (`14=mtime`, `16=creation time`). */
export const FILE_MTIME_ATTR = 0x14;
export const FILE_CREATETIME_ATTR = 0x16;

export const MODE_MASK = 0xff;

/** Version field this module sends: IP Messenger's "1", tagged so peers and logs can tell. */
export const OWN_VERSION = '1_pchat';

// --- limits ------------------------------------------------------------------------------------

/**
 * Largest datagram we send. iptux reads 8192 bytes at most (MAX_UDPLEN), cuts the rest, and a
 * datagram of exactly 8192 leaves its buffer without a terminating NUL; IP Messenger 5 takes
 * 32 KiB. So one byte under iptux's limit: an 8,000-byte text fits. Longer texts go out as
 * several SENDMSG packets.
 */
export const MAX_SEND_DATAGRAM_BYTES = 8191;
/** Largest datagram we read; anything the kernel hands us beyond this is junk. */
export const MAX_RECEIVE_DATAGRAM_BYTES = 65_507;
export const MAX_FIELD_BYTES = 512;
export const MAX_VERSION_BYTES = 128;
/** Longest text sendText() takes (UTF-8 bytes), split into datagrams as needed. */
export const MAX_TEXT_BYTES = IPMSG_MAX_TEXT_BYTES;
export const MAX_PEERS = 4096;
/** Recent (sender, session, packet number) triples remembered to drop retransmissions. */
export const DEDUPE_WINDOW = 65_536;
export const RATE_LIMIT_PER_SECOND = 200;
export const RATE_LIMIT_BURST = 400;
export const MAX_RATE_LIMITED_SOURCES = 4096;
export const PACKET_LOG_SIZE = 2000;

/** Retransmission of SENDMSG until RECVMSG: IP Messenger and iptux retry about once a second. */
export const RETRY_INTERVAL_MS = 1000;
export const MAX_TRANSMISSIONS = 5;
/** Undelivered messages kept for a peer that comes back. */
export const MAX_OUTBOX = 1000;
export const ENTRY_REPLY_MAX_DELAY_MS = 300;

/** Files. */
export const MAX_OFFERS = 256;
export const MAX_FILES_PER_OFFER = 256;
export const MAX_INCOMING_OFFERS = 256;
export const OFFER_TTL_MS = 24 * 60 * 60 * 1000;
export const MAX_TCP_REQUEST_BYTES = 4096;
export const TCP_REQUEST_TIMEOUT_MS = 10_000;
export const TCP_IDLE_TIMEOUT_MS = 30_000;
export const MAX_TCP_CONNECTIONS = 32;
export const MAX_DIR_HEADER_BYTES = 8192;
export const MAX_DIR_DEPTH = 64;
export const MAX_DIR_ENTRIES = 100_000;
export const MAX_NAME_BYTES = 255;
