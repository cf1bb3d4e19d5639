import { z } from 'zod';
import type {
  ChatMessage,
  DeliveryStatus,
  FileCard,
  GroupMessageInfo,
  PeerInfo,
  PeerStatus,
  Transport,
} from '../../shared/domain';
import type { ControlTag, IncomingRecord, OutgoingRecord } from '../net/index';

/** Row shapes as SQLite returns them, and their mapping to the app's types. */
export interface MessageRow {
  id: string;
  peer_id: string;
  direction: 'in' | 'out';
  epoch: string;
  seq: number;
  text: string;
  transport: Transport;
  state: string;
  sent_at: number;
  received_at: number;
  remote: string;
  attempts: number;
  rtt_ms: number | null;
  position: number | null;
  reply_id: string | null;
  reply_excerpt: string | null;
  /** Migration 7: a control message's consumer, and the card it shows as (JSON). */
  control: string | null;
  file_card: string | null;
  /** From `group_posts`, when the query joins it (a group message). */
  g_group?: string | null;
  g_origin?: string | null;
  g_gap?: number | null;
  /** Migration 8: the mentioned ids that are members of the group now (JSON), or NULL. */
  g_mentions?: string | null;
}

/** Columns of a message with its group fields, for queries over `messages m`. */
export const MESSAGE_WITH_GROUP = `m.*, gp.group_id AS g_group, gp.origin AS g_origin, gp.gap AS g_gap,
  CASE WHEN gp.mentions IS NULL THEN NULL ELSE (SELECT json_group_array(j.value)
    FROM json_each(gp.mentions) j JOIN group_members gm
      ON gm.group_id = gp.group_id AND gm.node_id = j.value) END AS g_mentions`;
export const JOIN_GROUP = 'LEFT JOIN group_posts gp ON gp.message_id = m.id';

export interface PeerRow {
  id: string;
  nick: string;
  host: string;
  address: string;
  port: number;
  tcp_port: number | null;
  status: PeerStatus;
  first_seen: number;
  last_seen: number;
  public_key: string | null;
  signing_key: string | null;
  status_text: string | null;
  avatar_hue: number | null;
  /** JSON: an IPMsg peer's details; a PacketChat peer's `{"relayBroker"}` (the last broker). */
  details?: string | null;
}

/** The quoted message of a reply, as the row keeps it. */
function replyOf(row: MessageRow) {
  return row.reply_id === null
    ? {}
    : { reply: { id: row.reply_id, excerpt: row.reply_excerpt ?? '' } };
}

/** The card of a stored file offer; a row this build cannot read shows as text. */
function cardOf(row: MessageRow): FileCard | undefined {
  if (row.file_card === null) return undefined;
  try {
    const card = JSON.parse(row.file_card) as Partial<FileCard> | null;
    if (
      typeof card?.transferId !== 'string' ||
      !Array.isArray(card.names) ||
      typeof card.files !== 'number' ||
      typeof card.folders !== 'number' ||
      typeof card.bytes !== 'number'
    )
      return undefined;
    return {
      transferId: card.transferId,
      names: card.names.filter((n): n is string => typeof n === 'string'),
      files: card.files,
      folders: card.folders,
      bytes: card.bytes,
    };
  } catch {
    return undefined;
  }
}

function controlOf(row: MessageRow): { control?: ControlTag } {
  if (row.control === null) return {};
  const card = cardOf(row);
  return { control: card === undefined ? { name: row.control } : { name: row.control, card } };
}

/** The text a row shows: a file offer's names, not its control message. */
function shownText(row: MessageRow, card: FileCard | undefined): string {
  return row.control === null ? row.text : (card?.names.join(', ') ?? '');
}

export function toChatMessage(row: MessageRow): ChatMessage {
  const card = cardOf(row);
  return {
    id: row.id,
    peerId: row.peer_id,
    direction: row.direction,
    text: shownText(row, card),
    transport: row.transport,
    state: row.direction === 'in' ? 'received' : (row.state as DeliveryStatus),
    seq: row.seq,
    sentAt: row.sent_at,
    receivedAt: row.received_at,
    ...(row.rtt_ms === null ? {} : { rttMs: row.rtt_ms }),
    remote: row.remote,
    ...(row.g_group == null || row.g_origin == null
      ? {}
      : { group: groupInfoOf(row.g_group, row.g_origin, row) }),
    ...replyOf(row),
    ...(card === undefined ? {} : { file: card }),
  };
}

export function toIncoming(row: MessageRow): IncomingRecord {
  return {
    id: row.id,
    peerId: row.peer_id,
    epoch: row.epoch,
    seq: row.seq,
    text: row.text,
    transport: row.transport,
    sentAt: row.sent_at,
    receivedAt: row.received_at,
    remote: row.remote,
    held: row.position === null,
    ...replyOf(row),
    ...controlOf(row),
  };
}

export function toOutgoing(row: MessageRow): OutgoingRecord {
  return {
    id: row.id,
    peerId: row.peer_id,
    epoch: row.epoch,
    seq: row.seq,
    text: row.text,
    sentAt: row.sent_at,
    remote: row.remote,
    state: row.state as DeliveryStatus,
    transport: row.transport,
    attempts: row.attempts,
    ...(row.rtt_ms === null ? {} : { rttMs: row.rtt_ms }),
    ...replyOf(row),
    ...controlOf(row),
  };
}

/** What `details` keeps of a PacketChat peer: the broker of its relay path (null otherwise). */
export function relayDetails(peer: PeerInfo): string | null {
  return peer.path.kind === 'relay' && peer.path.broker !== ''
    ? JSON.stringify({ relayBroker: peer.path.broker })
    : null;
}

const relayDetailsSchema = z.object({ relayBroker: z.string().max(300) });

function relayBrokerOf(details: string | null | undefined): string {
  if (details == null) return '';
  try {
    const parsed = relayDetailsSchema.safeParse(JSON.parse(details));
    return parsed.success ? parsed.data.relayBroker : '';
  } catch {
    return '';
  }
}

/** Stored peers load as offline: presence is learned again from the network. */
export function toPeer(row: PeerRow): PeerInfo {
  return {
    id: row.id,
    nick: row.nick,
    host: row.host,
    address: row.address,
    port: row.port,
    // A peer only ever met through a relay has no LAN address: the broker it was last seen on.
    path:
      row.address === ''
        ? { kind: 'relay', broker: relayBrokerOf(row.details) }
        : { kind: 'lan', address: row.address, port: row.port },
    tcpPort: row.tcp_port,
    status: row.status,
    ...(row.status_text ? { statusText: row.status_text } : {}),
    ...(row.avatar_hue === null ? {} : { avatarHue: row.avatar_hue }),
    online: false,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    ...(row.public_key === null ? {} : { publicKey: row.public_key }),
    ...(row.signing_key === null ? {} : { signingKey: row.signing_key }),
  };
}

/** LIKE pattern for a literal substring (escape character `\`). */
export function likePattern(query: string): string {
  return `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A snippet around the first match with the match wrapped in [ and ], like FTS5's snippet(). */
export function snippetAround(text: string, query: string, radius = 24): string {
  const at = text.toLowerCase().indexOf(query.toLowerCase());
  if (at < 0) return text.slice(0, radius * 2);
  const start = Math.max(0, at - radius);
  const end = Math.min(text.length, at + query.length + radius);
  return `${start > 0 ? '…' : ''}${text.slice(start, at)}[${text.slice(at, at + query.length)}]${text.slice(at + query.length, end)}${end < text.length ? '…' : ''}`;
}

/** A group message's fields; mentions are the ones of current members (see MESSAGE_WITH_GROUP). */
function groupInfoOf(groupId: string, sender: string, row: MessageRow): GroupMessageInfo {
  const mentions = parseMentions(row.g_mentions);
  return {
    groupId,
    sender,
    gap: row.g_gap === 1,
    ...(mentions === undefined ? {} : { mentions: [...new Set(mentions)] }),
  };
}

/** Our own JSON; a damaged value reads as no mentions. */
export function parseMentions(text: string | null | undefined): string[] | undefined {
  if (text == null) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    if (!Array.isArray(value)) return undefined;
    const ids = value.filter((v): v is string => typeof v === 'string');
    return ids.length === 0 ? undefined : ids;
  } catch {
    return undefined;
  }
}
