/** File-transfer limits and sizes. docs/FILES.md is the prose version of this file. */

export const FILES_PROTOCOL_VERSION = 1;

/** File bytes in one DATA record: about 64 KiB, as the issue asks. */
export const DATA_CHUNK_BYTES = 64 * 1024;
/** A data record is at most this big (the chunk plus its header, with room to spare). */
export const MAX_DATA_RECORD_BYTES = DATA_CHUNK_BYTES + 256;

/** Largest GET: the sender answers it with DATA records of DATA_CHUNK_BYTES. */
export const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/** An encoded manifest up to this size travels inside the offer; a bigger one is fetched. */
export const INLINE_MANIFEST_MAX_BYTES = 48 * 1024;
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
export const MAX_MANIFEST_FILES = 200_000;
export const MAX_MANIFEST_FOLDERS = 200_000;

/** A path in a manifest, in UTF-16 code units (the safe form is shorter still). */
export const MAX_WIRE_PATH_CHARS = 4096;
/** Folder levels below the target folder. */
export const MAX_PATH_DEPTH = 64;
/**
 * One safe name component, in UTF-8 bytes. File systems allow 255; this leaves room for
 * ".pchat-part" and a clash suffix such as " (12)".
 */
export const MAX_NAME_BYTES = 200;
/** A safe relative path, in UTF-8 bytes (Linux allows 4096 for the whole absolute path). */
export const MAX_RELATIVE_PATH_BYTES = 2048;

/**
 * Renamed names kept for one received folder item whose files the protocol does not list (IPMsg):
 * at most this many, and at most MAX_RENAMED_INSIDE_CHARS of paths; the rest are only counted.
 */
export const MAX_RENAMED_INSIDE = 100;
export const MAX_RENAMED_INSIDE_CHARS = 64 * 1024;

/** Top-level names an offer lists for display. */
export const MAX_OFFER_NAMES = 20;
/** Unanswered offers kept per peer; more are declined at once. */
export const MAX_PENDING_OFFERS_PER_PEER = 64;

/** The suffix of a file being received. */
export const PART_SUFFIX = '.pchat-part';

/** `transfer` events during progress come at most this often. */
export const PROGRESS_INTERVAL_MS = 500;

/** SHA-256 of nothing: an empty file needs no request. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
