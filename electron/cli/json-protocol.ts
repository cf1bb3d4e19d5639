// The CLI's --json contract (README "The --json contract"): the commands read from stdin and the
// events written to stdout, one JSON object per line. Scripts rely on these names and fields.
import { z } from 'zod';
import type {
  ChatMessage,
  Contact,
  DeliveryStatus,
  GroupChange,
  GroupInfo,
  MemberDelivery,
  DirectoryEntry,
  IpmsgBadge,
  MessageStateChange,
  PacketLogEntry,
  PeerChange,
  PeerInfo,
  RecipientTally,
  PeerPath,
  RelayStatus,
  PeerProtocol,
  SearchHit,
  SocketsSnapshot,
  Transport,
} from '../../shared/domain';
import type { NodeWarningPayload, SelfInfo } from '../../shared/ipc/contract';
import { nodeId } from '../../shared/protocol/fields';
import { MAX_MENTIONS } from '../../shared/protocol/groups';
import type { TransferDoneFile, TransferFileInfo, TransferInfo } from '../../shared/transfers';

/** A group as a command names it: its id, or its conversation id `group:ID`. */
const groupRef = (): z.ZodPipe<z.ZodString, z.ZodTransform<string, string>> =>
  z
    .string()
    .min(1)
    .max(80)
    .transform((s) => (s.startsWith('group:') ? s.slice('group:'.length) : s));

/**
 * Commands accepted on stdin in --json mode, one JSON object per line. Built at the first command
 * (`z.lazy`), not at start: its 280 schema objects are a quarter of the idle node's (docs/BENCHMARKS.md,
 * "Idle CLI memory: fourth pass").
 */
export const commandSchema = z.lazy(() =>
  z.discriminatedUnion('cmd', [
    // Empty and over-long texts are refused by the node with their own codes (`empty`, `too-long`).
    // `mentions`: member ids a group message @mentions (ignored for a one-to-one message).
    z.object({
      cmd: z.literal('send'),
      to: z.string().min(1).max(80),
      text: z.string(),
      mentions: z.array(nodeId).max(MAX_MENTIONS).optional(),
    }),
    z.object({ cmd: z.literal('peers') }),
    /** An IP[:PORT] to announce to, or a node id from a relay directory to reach. */
    z.object({ cmd: z.literal('add'), address: z.string().min(1).max(32) }),
    z.object({
      cmd: z.literal('directory'),
      query: z.string().trim().max(200).default(''),
      limit: z.number().int().min(1).max(500).default(50),
    }),
    z.object({ cmd: z.literal('info') }),
    z.object({ cmd: z.literal('retry'), id: z.string().min(1).max(64) }),
    z.object({ cmd: z.literal('packets'), limit: z.number().int().min(1).max(5_000).optional() }),
    z.object({ cmd: z.literal('sockets') }),
    z.object({
      cmd: z.literal('history'),
      with: z.string().min(1).max(80),
      limit: z.number().int().min(1).max(500).default(50),
      before: z.string().max(64).optional(),
    }),
    z.object({
      cmd: z.literal('search'),
      query: z.string().trim().min(1).max(200),
      limit: z.number().int().min(1).max(200).default(20),
    }),
    z.object({ cmd: z.literal('read'), with: z.string().min(1).max(80) }),
    z.object({ cmd: z.literal('nick'), nick: z.string().min(1).max(64) }),
    z.object({ cmd: z.literal('safety-number'), peer: z.string().min(1).max(80) }),
    z.object({ cmd: z.literal('verify'), peer: z.string().min(1).max(80) }),
    z.object({ cmd: z.literal('accept-key'), peer: z.string().min(1).max(80) }),
    z.object({
      cmd: z.literal('send-many'),
      to: z.array(z.string().min(1).max(80)).min(1).max(256),
      text: z.string(),
    }),
    z.object({ cmd: z.literal('groups') }),
    z.object({
      cmd: z.literal('group-create'),
      name: z.string().max(256),
      members: z.array(z.string().min(1).max(80)).max(127),
    }),
    z.object({ cmd: z.literal('group-add'), group: groupRef(), member: z.string().min(1).max(80) }),
    z.object({
      cmd: z.literal('group-remove'),
      group: groupRef(),
      member: z.string().min(1).max(80),
    }),
    z.object({ cmd: z.literal('group-leave'), group: groupRef() }),
    z.object({ cmd: z.literal('group-rename'), group: groupRef(), name: z.string().max(256) }),
    z.object({
      cmd: z.literal('group-admin'),
      group: groupRef(),
      member: z.string().min(1).max(80),
    }),
    z.object({ cmd: z.literal('group-deliveries'), id: z.string().min(1).max(64) }),
    // Files (issue 14): paths and folders may be relative to the node's working directory.
    z.object({
      cmd: z.literal('send-file'),
      to: z.string().min(1).max(80),
      paths: z.array(z.string().min(1).max(4_096)).min(1).max(256),
      /** IPMsg: send folders even to a client known to crash on them (iptux before 0.9.4). */
      force: z.boolean().optional(),
    }),
    z.object({
      cmd: z.literal('accept'),
      id: z.string().min(1).max(128),
      dir: z.string().min(1).max(4_096),
    }),
    z.object({ cmd: z.literal('decline'), id: z.string().min(1).max(128) }),
    z.object({ cmd: z.literal('cancel'), id: z.string().min(1).max(128) }),
    z.object({ cmd: z.literal('pause'), id: z.string().min(1).max(128) }),
    z.object({ cmd: z.literal('resume'), id: z.string().min(1).max(128) }),
    z.object({ cmd: z.literal('retry-files'), id: z.string().min(1).max(128) }),
    z.object({ cmd: z.literal('transfers') }),
    z.object({ cmd: z.literal('files'), id: z.string().min(1).max(128) }),
    z.object({ cmd: z.literal('ipmsg-refresh') }),
    z.object({ cmd: z.literal('quit') }),
  ]),
);
export type Command = z.infer<typeof commandSchema>;

export type ParsedCommand = { ok: true; command: Command } | { ok: false; message: string };

export function parseCommand(line: string): ParsedCommand {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { ok: false, message: `not JSON: ${line.slice(0, 80)}` };
  }
  const result = commandSchema.safeParse(json);
  if (result.success) return { ok: true, command: result.data };
  const issue = result.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? '' : ` (${issue.path.join('.')})`;
  return { ok: false, message: `bad command${where}: ${issue?.message ?? 'invalid'}` };
}

// --- events ------------------------------------------------------------------------------------

export type PeerJson = Pick<
  PeerInfo,
  'id' | 'nick' | 'host' | 'address' | 'port' | 'tcpPort' | 'online' | 'lastSeen'
> & {
  /** The peer's own status while online; `offline` when it is not (README). */
  readonly status: PeerInfo['status'] | 'offline';
  /** The fingerprint of the peer's key ('' before the first handshake). */
  readonly fingerprint: string;
  /** Everything to and from it is sealed in an authenticated session (false for strangers). */
  readonly encrypted: boolean;
  /** The user compared safety numbers and marked it verified. */
  readonly verified: boolean;
  /** How it is reached: `{kind:"lan",address,port}` or `{kind:"relay",broker}`. */
  readonly path: PeerPath;
  /** `pchat`, or `ipmsg` for IP Messenger, FeiQ and iptux users (id `ipmsg:IP`, port 2425). */
  readonly protocol: PeerProtocol;
  /** IPMsg peers: `IPMsg`, or `FeiQ`. */
  readonly badge?: IpmsgBadge;
};

export interface ReadyEvent {
  readonly type: 'ready';
  readonly nodeId: string;
  /** The fingerprint of this node's key. */
  readonly fingerprint: string;
  readonly nick: string;
  readonly host: string;
  readonly serverPort: number;
  readonly clientPort: number;
  readonly tcpPort: number | null;
  readonly addresses: readonly string[];
  readonly discoveryTargets: readonly string[];
  /** Relay brokers (`--relay`) and the state of the connection to each. */
  readonly relays: readonly RelayStatus[];
  /** The port the IPMsg bridge holds (2425), or null when it is off or the port is taken. */
  readonly ipmsg: number | null;
}
export interface InfoEvent extends Omit<ReadyEvent, 'type'> {
  readonly type: 'info';
  readonly counters: SocketsSnapshot['counters'];
}
export interface PeerEvent {
  readonly type: 'peer';
  readonly change: PeerChange['change'];
  readonly peer: PeerJson;
  readonly previous?: { readonly address: string; readonly port: number };
  /** For `path`: how it was reached before. */
  readonly previousPath?: PeerPath;
  /** With `offline`: this IPMsg peer is that PacketChat peer; it is shown as that from now on. */
  readonly mergedInto?: string;
}
export interface MessageEvent {
  readonly type: 'message';
  readonly message: {
    readonly id: string;
    /** The writer (in a group too: the member who wrote it, checked by its signature). */
    readonly from: string;
    /** The group id, for a message of a group conversation. */
    readonly group?: string;
    /** A group message shown before what it depends on had arrived (a gap before it). */
    readonly gap?: boolean;
    /** For a group message: the members it @mentions (node ids; empty when none). */
    readonly mentions?: readonly string[];
    readonly nick: string;
    readonly address: string;
    readonly port: number;
    readonly text: string;
    readonly transport: Transport;
    readonly seq: number;
    readonly sentAt: number;
    readonly receivedAt: number;
  };
}
export interface StatusEvent {
  readonly type: 'status';
  readonly id: string;
  readonly to: string;
  readonly status: DeliveryStatus;
  readonly transport: Transport;
  readonly attempts: number;
  readonly rttMs?: number;
  /** A group message: how many members acknowledged it, and who has not yet. */
  readonly recipients?: RecipientTally;
}
export interface StrangerEvent {
  readonly type: 'stranger';
  readonly stranger: {
    readonly id: string;
    readonly address: string;
    readonly port: number;
    readonly via: 'server' | 'client';
    readonly firstSeen: number;
    readonly lastSeen: number;
  };
}
export interface ErrorEvent {
  readonly type: 'error';
  readonly message: string;
  readonly code?: string;
}
/** Something to know that is not an error (storage works again, …). */
export interface NoticeEvent {
  readonly type: 'notice';
  readonly code: string;
  readonly message: string;
}
export interface WarningEvent extends NodeWarningPayload {
  readonly type: 'warning';
}
export interface SentEvent {
  readonly type: 'sent';
  readonly id: string;
  readonly to: string;
  readonly transport: Transport;
}
export interface PeersEvent {
  readonly type: 'peers';
  readonly peers: readonly PeerJson[];
}
export interface AddedEvent {
  readonly type: 'added';
  readonly address: string;
  readonly port: number;
}
/** `add` with a node id: the node is looked for through the relay. */
export interface SeekingEvent {
  readonly type: 'seeking';
  readonly nodeId: string;
}
/** The answer to `directory`: matching relay directory entries. */
export interface DirectoryEvent {
  readonly type: 'directory';
  readonly entries: readonly DirectoryEntry[];
}
/** A node was listed (or renamed) in a relay directory: a hint, not a contact. */
export interface ListedEvent {
  readonly type: 'listed';
  readonly entry: DirectoryEntry;
}
/** A relay connection changed state. */
export interface RelayEvent {
  readonly type: 'relay';
  readonly relays: readonly RelayStatus[];
}
export interface NickEvent {
  readonly type: 'nick';
  readonly nick: string;
}
export interface RetriedEvent {
  readonly type: 'retried';
  readonly id: string;
}
export interface PacketsEvent {
  readonly type: 'packets';
  readonly packets: readonly PacketLogEntry[];
}
export interface SocketsEvent extends SocketsSnapshot {
  readonly type: 'sockets';
}
export interface HistoryEvent {
  readonly type: 'history';
  readonly messages: readonly ChatMessage[];
  readonly nextCursor: string | null;
}
export interface SearchEvent {
  readonly type: 'search';
  readonly results: readonly SearchHit[];
}
export interface ReadEvent {
  readonly type: 'read';
  readonly with: string;
  readonly unread: number;
}
export interface SafetyNumberEvent {
  readonly type: 'safety-number';
  readonly peer: string;
  /** 60 digits. */
  readonly number: string;
}
export interface VerifiedEvent {
  readonly type: 'verified';
  readonly peer: string;
}
export interface KeyChangedEvent {
  readonly type: 'key-changed';
  /** The contact whose key changed (its messages are held). */
  readonly peer: string;
  readonly previous: string;
  readonly fingerprint: string;
  /** The node id of the new key. */
  readonly to: string;
}
export interface KeyAcceptedEvent {
  readonly type: 'key-accepted';
  readonly peer: string;
  /** The conversation continues under this id. */
  readonly to: string;
}

/** A group as --json shows it: members and admins as node ids. */
export interface GroupJson {
  readonly id: string;
  readonly name: string;
  readonly creator: string;
  readonly members: readonly string[];
  readonly admins: readonly string[];
  readonly version: number;
  /** `member`, or `removed` / `left`: this node is out of it. */
  readonly status: GroupInfo['status'];
}
/** A group was made, joined, changed or left: the answer to every group command, too. */
export interface GroupEvent {
  readonly type: 'group';
  readonly change: GroupChange['change'];
  /** What the change that made this version was, and who made it. */
  readonly op: GroupChange['op'];
  readonly by: string;
  readonly member?: string;
  readonly group: GroupJson;
}
export interface GroupsEvent {
  readonly type: 'groups';
  readonly groups: readonly GroupJson[];
}
export interface SentManyEvent {
  readonly type: 'sent-many';
  readonly batch: string;
  readonly messages: readonly { readonly id: string; readonly to: string }[];
  readonly failed: readonly { readonly to: string; readonly code: string }[];
  readonly delivered: number;
  readonly total: number;
}
export interface BatchEvent extends RecipientTally {
  readonly type: 'batch';
  readonly batch: string;
}
export interface GroupDeliveriesEvent {
  readonly type: 'group-deliveries';
  readonly id: string;
  readonly deliveries: readonly MemberDelivery[];
}
/** A file transfer: the answer to send-file, accept, decline, cancel, and every state change. */
export interface TransferJsonEvent {
  readonly type: 'transfer';
  readonly transfer: TransferInfo;
  /** With state `done`: each file kept, with its SHA-256. */
  readonly files?: readonly TransferDoneFile[];
}
export interface TransfersEvent {
  readonly type: 'transfers';
  readonly transfers: readonly TransferInfo[];
}
export interface FilesEvent {
  readonly type: 'files';
  readonly id: string;
  readonly files: readonly TransferFileInfo[];
}
/** An IPMsg peer opened a sealed message we sent. */
export interface MessageReadEvent {
  readonly type: 'message-read';
  readonly id: string;
  readonly peer: string;
  readonly at: number;
}
export interface RefreshedEvent {
  readonly type: 'ipmsg-refreshed';
}

/** Every line --json mode writes. */
export type JsonEvent =
  | ReadyEvent
  | InfoEvent
  | PeerEvent
  | MessageEvent
  | StatusEvent
  | StrangerEvent
  | ErrorEvent
  | NoticeEvent
  | WarningEvent
  | SentEvent
  | PeersEvent
  | AddedEvent
  | SeekingEvent
  | DirectoryEvent
  | ListedEvent
  | RelayEvent
  | NickEvent
  | RetriedEvent
  | PacketsEvent
  | SocketsEvent
  | HistoryEvent
  | SearchEvent
  | ReadEvent
  | SafetyNumberEvent
  | VerifiedEvent
  | KeyChangedEvent
  | KeyAcceptedEvent
  | GroupEvent
  | GroupsEvent
  | SentManyEvent
  | BatchEvent
  | GroupDeliveriesEvent
  | TransferJsonEvent
  | TransfersEvent
  | FilesEvent
  | MessageReadEvent
  | RefreshedEvent;

export function groupJson(group: GroupInfo): GroupJson {
  return {
    id: group.id,
    name: group.name,
    creator: group.creator,
    members: group.members.map((m) => m.id),
    admins: [...group.admins],
    version: group.version,
    status: group.status,
  };
}

export function groupEvent(change: GroupChange): GroupEvent {
  return {
    type: 'group',
    change: change.change,
    op: change.op,
    by: change.by,
    ...(change.member === undefined ? {} : { member: change.member }),
    group: groupJson(change.group),
  };
}

export function peerJson(peer: Contact): PeerJson {
  return {
    fingerprint: peer.fingerprint ?? '',
    encrypted: peer.trust !== 'not-encrypted',
    verified: peer.trust === 'verified',
    id: peer.id,
    nick: peer.nick,
    host: peer.host,
    address: peer.address,
    port: peer.port,
    tcpPort: peer.tcpPort,
    status: peer.online ? peer.status : 'offline',
    online: peer.online,
    lastSeen: peer.lastSeen,
    path: peer.path,
    protocol: peer.protocol ?? 'pchat',
    ...(peer.badge === undefined ? {} : { badge: peer.badge }),
  };
}

export function readyFields(self: SelfInfo): Omit<ReadyEvent, 'type'> {
  return {
    nodeId: self.nodeId,
    fingerprint: self.fingerprint,
    nick: self.nick,
    host: self.host,
    serverPort: self.serverPort,
    clientPort: self.clientPort,
    tcpPort: self.tcpPort,
    addresses: self.interfaces.map((i) => i.address),
    discoveryTargets: self.discoveryTargets,
    relays: self.relays,
    ipmsg: self.ipmsg?.port ?? null,
  };
}

export function messageEvent(message: ChatMessage, sender: Contact | undefined): MessageEvent {
  const [address = '', port = '0'] = message.remote.split(/:(?=\d+$)/);
  const group = message.group;
  return {
    type: 'message',
    message: {
      id: message.id,
      from: group?.sender ?? message.peerId,
      ...(group === undefined
        ? {}
        : { group: group.groupId, gap: group.gap, mentions: [...(group.mentions ?? [])] }),
      nick: sender?.nick ?? '',
      address: sender?.address ?? address,
      port: sender?.port ?? Number(port),
      text: message.text,
      transport: message.transport,
      seq: message.seq,
      sentAt: message.sentAt,
      receivedAt: message.receivedAt,
    },
  };
}

export function statusEvent(change: MessageStateChange): StatusEvent {
  return {
    type: 'status',
    id: change.id,
    to: change.peerId,
    status: change.state,
    transport: change.transport,
    attempts: change.attempts,
    ...(change.rttMs === undefined ? {} : { rttMs: change.rttMs }),
    ...(change.recipients === undefined ? {} : { recipients: change.recipients }),
  };
}

export function errorEvent(message: string, code?: string): ErrorEvent {
  return { type: 'error', message, ...(code === undefined ? {} : { code }) };
}
