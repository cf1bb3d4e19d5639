// Runtime schemas of the IPC contract (zod): every call's argument is validated with these in
// main before a handler runs, and settings are validated with them wherever they are stored.
import { z } from 'zod';
import { PEER_STATUSES } from '../domain';
import { MAX_NICK_LENGTH, MAX_TEXT_BYTES } from '../protocol/constants';
import { nodeId } from '../protocol/fields';
import {
  groupIdSchema,
  MAX_GROUP_MEMBERS,
  MAX_GROUP_NAME_LENGTH,
  MAX_MENTIONS,
} from '../protocol/groups';
import { nickText, replySchema, statusTextSchema } from '../protocol/packets';
import { MAX_PASTED_IMAGE_BYTES } from './limits';

export { MAX_PASTED_IMAGE_BYTES } from './limits';

export const LANGUAGES = ['system', 'zh-CN', 'en'] as const;
export const THEMES = ['system', 'light', 'dark'] as const;
/** How IPMsg text of unknown encoding is read and written (docs/IPMSG.md, "Encodings"). */
export const IPMSG_ENCODINGS = ['auto', 'utf-8', 'gb18030', 'cp932'] as const;
export type IpmsgEncodingSetting = (typeof IPMSG_ENCODINGS)[number];

const port = z.number().int().min(1).max(65_535);
/** An IPv4 address with an optional port, or an IPv4 broadcast address. */
export const endpointText = z
  .string()
  .trim()
  .regex(
    /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(:\d{1,5})?$/,
    'expected IPv4 address or IP:PORT',
  );

/**
 * A relay broker's URL: `mqtt://host[:port]` or `mqtts://host[:port]` (TLS), a host name, an
 * IPv4 address or a bracketed IPv6 address; a `user:password@` may come before the host.
 */
export const relayUrlText = z
  .string()
  .trim()
  .max(1_024)
  .regex(
    /^mqtts?:\/\/([^/@\s]+@)?([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?\/?$/,
    'expected mqtt://host[:port] or mqtts://host[:port]',
  );

/** One relay broker (docs/RELAY.md). User and password may also be in the URL. */
export const relaySettingSchema = z.object({
  url: relayUrlText,
  username: z.string().max(256).optional(),
  password: z.string().max(1_024).optional(),
  /**
   * settings:get: a password is stored (main keeps it; the renderer never gets it back).
   * settings:set without `password`: keep the password stored for this URL.
   */
  passwordSet: z.boolean().optional(),
  /** A PEM file with the CA that signed the broker's certificate (mqtts), else the system's. */
  caFile: z.string().min(1).max(4_096).optional(),
});
export type RelaySetting = z.infer<typeof relaySettingSchema>;

/** A path on this machine: absolute (POSIX or Windows), no NUL. */
const localPath = z
  .string()
  .min(1)
  .max(4_096)
  .refine((p) => !p.includes('\0') && (p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p)), {
    message: 'expected an absolute path',
  });

export const settingsSchema = z.object({
  /** The same rule every peer applies to a nick on the wire: what we send, they accept. */
  nick: z.string().trim().min(1).max(MAX_NICK_LENGTH).pipe(nickText),
  status: z.enum(PEER_STATUSES),
  serverPort: port,
  clientPort: port,
  tcpFallback: z.boolean(),
  /** Extra discovery targets: unicast IP[:PORT] or another subnet's broadcast address. */
  discoveryTargets: z.array(endpointText).max(64),
  /** MQTT brokers that reach other subnets and sites; empty: the LAN only. Read at start. */
  relays: z.array(relaySettingSchema).max(8),
  /** Subscribe to the relays' directory (for search); a deployment of thousands turns it off. */
  relayDirectory: z.boolean(),
  language: z.enum(LANGUAGES),
  theme: z.enum(THEMES),
  notifications: z.boolean(),
  /** A custom status text peers see next to the status ('' for none). */
  statusText: z.string().trim().pipe(statusTextSchema),
  /** The hue (0-359) of my avatar colour; null: the colour generated from my node id. */
  avatarHue: z.number().int().min(0).max(359).nullable(),
  /** Minutes without input before the status turns Away by itself; 0: never. */
  autoAwayMinutes: z.number().int().min(0).max(240),
  /** The first-run questions (nickname, colour) were answered. */
  onboarded: z.boolean(),
  /** Speak IP Messenger on port 2425 too (iptux, FeiQ, IP Messenger); applied at the next start. */
  ipmsg: z.boolean(),
  ipmsgEncoding: z.enum(IPMSG_ENCODINGS),
  /** The group name IPMsg clients show (empty: none). */
  ipmsgGroup: z
    .string()
    .trim()
    .max(MAX_NICK_LENGTH)
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'no control characters'),
  /**
   * Where Accept saves files without asking (picked in main's folder dialog); null: ask each time.
   */
  downloadDir: localPath.nullable(),
  /** Accept offers from contacts whose key I verified into `downloadDir` at once (docs/FILES.md). */
  autoAcceptVerified: z.boolean(),
});
export type Settings = z.infer<typeof settingsSchema>;

/** A conversation: a peer id, `stranger:IP:PORT`, or an `IP[:PORT]` that main resolves. */
const peerId = z.string().min(1).max(80);
const messageId = z.string().min(1).max(64);
const none = z.undefined();
/** A group's id (32 hex digits; `group:ID` is its conversation). */
const groupId = groupIdSchema;
/** A member: a peer id, or a peer's IP[:PORT] that main resolves. */
const member = peerId;
/** Names are checked by the node (the wire's rule); this only keeps absurd payloads out. */
const groupName = z.string().max(MAX_GROUP_NAME_LENGTH * 4);
/** A pasted image's bytes, base64. */
const pastedImageData = z
  .string()
  .min(4)
  .max(Math.ceil(MAX_PASTED_IMAGE_BYTES / 3) * 4)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64');
/** The largest received image shown as a thumbnail. */
export const MAX_THUMBNAIL_BYTES = 20 * 1024 * 1024;
/** Most recipients of one multi-send. */
export const MAX_MULTI_SEND = 256;
const transferId = z.string().min(1).max(128);

/**
 * Calls: renderer -> main. Each entry is the argument schema; results are in contract.ts. An
 * object schema is built at its call's first use (`z.lazy`): a process builds only those of the
 * calls it gets (an idle command-line node none; docs/BENCHMARKS.md, "Idle CLI memory: fourth
 * pass").
 */
export const callSchemas = {
  /** The renderer is ready for events; main flushes what it queued. */
  'app:ready': none,
  'self:get': none,
  'contacts:list': none,
  'contacts:listCompact': none,
  /** `waitMs`: wait that long for an answer and say whether one came (the UI's "Say hello"). */
  'contacts:add': z.lazy(() =>
    z.object({
      address: endpointText,
      waitMs: z.number().int().min(0).max(10_000).optional(),
    }),
  ),
  'conversations:list': none,
  'messages:history': z.lazy(() =>
    z.object({
      peerId,
      before: z.string().max(64).optional(),
      limit: z.number().int().min(1).max(500),
    }),
  ),
  // Empty and over-long texts reach the node, which refuses them with the reason (`empty`,
  // `too-long`); the bound here only keeps absurd payloads out (4 bytes per UTF-16 unit at most).
  'messages:send': z.lazy(() =>
    z.object({
      peerId,
      text: z.string().max(MAX_TEXT_BYTES * 4),
      reply: replySchema.optional(),
      /**
       * IPMsg peers: sealed (SECRETOPT): the peer opens it with a click and its client tells when
       * (READMSG, the `message-read` event). Ignored for PacketChat peers and strangers.
       */
      sealed: z.boolean().optional(),
      /** Member ids a group message @mentions (ignored elsewhere; non-members are dropped). */
      mentions: z.array(nodeId).max(MAX_MENTIONS).optional(),
    }),
  ),
  'messages:retry': z.lazy(() => z.object({ messageId })),
  /** Stops an undelivered message for good (state `cancelled`). */
  'messages:cancel': z.lazy(() => z.object({ messageId })),
  /** Deletes messages from this computer only (pending ones are cancelled first). */
  'messages:delete': z.lazy(() => z.object({ messageIds: z.array(messageId).min(1).max(500) })),
  'messages:markRead': z.lazy(() => z.object({ peerId })),
  /** Read up to and including this message (it was seen): what the UI calls as you read. */
  'messages:markReadUpTo': z.lazy(() => z.object({ peerId, messageId })),
  /** "I am typing" to this conversation (the node sends at most one packet per 3 s). */
  'messages:typing': z.lazy(() => z.object({ peerId })),
  'messages:search': z.lazy(() =>
    z.object({
      query: z.string().trim().min(1).max(200),
      limit: z.number().int().min(1).max(200),
    }),
  ),
  'inspector:packets': z.lazy(() => z.object({ limit: z.number().int().min(1).max(5_000) })),
  /** The bytes of one logged datagram or frame (`seq` from the packet log). */
  'inspector:payload': z.lazy(() =>
    z.object({ seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }),
  ),
  'inspector:sockets': none,
  'drafts:list': none,
  /** Saves what is typed in a conversation's composer; an empty text removes the draft. */
  'drafts:set': z.lazy(() => z.object({ peerId, text: z.string().max(MAX_TEXT_BYTES * 4) })),
  'settings:get': none,
  'settings:set': z.lazy(() => settingsSchema.partial()),
  'app:openExternal': z.lazy(() => z.object({ url: z.url({ protocol: /^https?$/ }).max(2_048) })),
  'contacts:safetyNumber': z.lazy(() => z.object({ peerId })),
  'contacts:verify': z.lazy(() => z.object({ peerId, verified: z.boolean() })),
  'contacts:acceptKey': z.lazy(() => z.object({ peerId })),
  /** The same text to several conversations, as separate one-to-one messages (a multi-send). */
  'messages:sendMany': z.lazy(() =>
    z.object({
      peerIds: z.array(peerId).min(1).max(MAX_MULTI_SEND),
      text: z.string().max(MAX_TEXT_BYTES * 4),
    }),
  ),
  'groups:list': none,
  'groups:create': z.lazy(() =>
    z.object({
      name: groupName,
      members: z.array(member).max(MAX_GROUP_MEMBERS - 1),
    }),
  ),
  'groups:add': z.lazy(() => z.object({ groupId, member })),
  'groups:remove': z.lazy(() => z.object({ groupId, member })),
  'groups:leave': z.lazy(() => z.object({ groupId })),
  'groups:rename': z.lazy(() => z.object({ groupId, name: groupName })),
  'groups:makeAdmin': z.lazy(() => z.object({ groupId, member })),
  /** Per member, how far one of our group messages got ("waiting for carol, dave"). */
  'groups:deliveries': z.lazy(() => z.object({ messageId: z.string().min(1).max(64) })),
  'conversations:mutes': none,
  'conversations:mute': z.lazy(() => z.object({ peerId, muted: z.boolean() })),
  /** Relay directory entries whose nickname (or node id) contains the query; '' lists them. */
  'directory:search': z.lazy(() =>
    z.object({
      query: z.string().trim().max(200),
      limit: z.number().int().min(1).max(500),
    }),
  ),
  /** Reach a node found in the directory: its presence is watched and a handshake runs. */
  'directory:add': z.lazy(() =>
    z.object({ nodeId: z.string().regex(/^[0-9a-f]{32}$/, 'expected a node id') }),
  ),
  // Paths are the local side's own files; main checks them (the renderer may name only what the
  // user picked in a dialog, electron/ipc/app-handlers.ts).
  'files:send': z.lazy(() =>
    z.object({
      peerId,
      paths: z.array(localPath).min(1).max(256),
      /** IPMsg: send folders even to a client known to crash on them (iptux before 0.9.4). */
      force: z.boolean().optional(),
    }),
  ),
  'files:accept': z.lazy(() => z.object({ id: transferId, dir: localPath })),
  'files:decline': z.lazy(() => z.object({ id: transferId })),
  'files:cancel': z.lazy(() => z.object({ id: transferId })),
  'files:list': none,
  'files:pause': z.lazy(() => z.object({ id: transferId })),
  'files:resume': z.lazy(() => z.object({ id: transferId })),
  'files:retry': z.lazy(() => z.object({ id: transferId })),
  'files:files': z.lazy(() => z.object({ id: transferId })),
  /** Opens main's file dialog: files (several) or a folder (one), for sending or saving. */
  'files:pick': z.lazy(() => z.object({ kind: z.enum(['files', 'folders', 'folder']) })),
  /**
   * Files and folders dropped on a conversation. The page calls the preload with DOM File objects;
   * the preload turns them into paths (webUtils.getPathForFile) and sends these (docs/FILES.md).
   */
  'files:drop': z.lazy(() => z.object({ peerId, paths: z.array(localPath).min(1).max(256) })),
  /** A pasted image, sent as a file: its bytes in base64 (PNG, JPEG, GIF or WebP, at most 32 MiB). */
  'files:sendImage': z.lazy(() => z.object({ peerId, data: pastedImageData })),
  /**
   * A pasted image offered to several peers (a group's other members), saved once: one
   * one-to-one transfer each, as the paperclip does in a group.
   */
  'files:sendImageMany': z.lazy(() =>
    z.object({
      peerIds: z.array(peerId).min(1).max(MAX_MULTI_SEND),
      data: pastedImageData,
    }),
  ),
  /** A received image's bytes for a thumbnail (null when the file is not a small image). */
  'files:thumbnail': z.lazy(() =>
    z.object({ id: transferId, index: z.number().int().min(0).max(1_000_000) }),
  ),
  /**
   * Opens a finished transfer's file (`file`: its index in `files:files`) or, without `file`, the
   * whole transfer (its one top file or folder; the folder it was saved into when there are
   * several), or shows it in its folder (`reveal`). Main finds the path in the transfer's own
   * record: the renderer never names one (docs/FILES.md "Open and show in folder").
   */
  'files:open': z.lazy(() =>
    z.object({
      id: transferId,
      file: z.number().int().min(0).max(1_000_000).optional(),
      reveal: z.boolean(),
    }),
  ),
  'ipmsg:refresh': none,
} as const;
