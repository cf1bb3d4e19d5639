// What the packet log says of a datagram or frame (wire.ts logs each one): the metadata its
// sender or reader hands over, and the entry made from it when the entry is first read.
import { formatEndpoint, type Endpoint } from '../../shared/address';
import type { Transport } from '../../shared/domain';
import { decodeBundle } from '../../shared/protocol/codec';
import { MAX_BUNDLE_PACKETS, MAX_INNER_FRAME_BYTES } from '../../shared/protocol/constants';
import { decodeRecordPacket } from '../../shared/protocol/text-body';
import type { Packet } from '../../shared/protocol/packets';
import { bundleSummary, packetFields, packetSummary, type LogInput } from './packet-log';

/** Metadata for the packet log. */
export interface SendMeta {
  readonly packet?: Packet;
  readonly kind?: string;
  readonly summary?: string;
  /**
   * A bundle's packets (and how many bad ones it also held): its summary is made from them when
   * the log entry is read, not for every bundle. `compactFrom`: the bundle was read (or written)
   * as a compact bundle of this sender's packets (codec.ts `decodeBundle`).
   */
  readonly bundled?: {
    readonly packets: readonly Packet[];
    readonly bad?: number;
    readonly compactFrom?: string | undefined;
  };
  readonly peerId?: string;
  /** A v2 packet's header; `packet` is then the inner packet, shown decrypted. */
  readonly sealed?: { readonly type: string; readonly index: number; readonly counter?: string };
  /** The inner packet's bytes of a sealed record: the inspector's payload view shows these. */
  readonly inner?: Uint8Array;
}

/** What every log entry says of the datagram or frame itself. */
export interface EntryHead {
  readonly at: number;
  readonly direction: 'in' | 'out';
  readonly transport: Transport;
  readonly local: Endpoint;
  readonly remote: Endpoint;
  readonly size: number;
}

/**
 * Characters of a long text a log entry keeps (`forLog`): more than its summary (60) and its
 * fields (200) show.
 */
export const LOGGED_TEXT_CHARS = 1_024;

/**
 * What a log entry keeps of a sealed record's packet when the record is long (a text over TCP):
 * the packet with its text cut to LOGGED_TEXT_CHARS, in a string of its own, so the entry shows
 * the same summary and fields without keeping the record's 64 KiB plaintext alive (2,000 such
 * entries kept 128 MiB). The cut is a copy: a slice of the text would keep the whole text.
 */
export function forLog(packet: Packet): Packet {
  if (packet.kind !== 'text' || packet.text.length <= LOGGED_TEXT_CHARS) return packet;
  const cut = JSON.parse(JSON.stringify(packet.text.slice(0, LOGGED_TEXT_CHARS))) as string;
  return { ...packet, text: cut };
}

/** The entry of `meta` as it is (packets it names stay alive until the entry is read). */
export function builtFrom(head: EntryHead, meta: SendMeta): () => LogInput {
  return () => entryOf(head, meta);
}

function entryOf(head: EntryHead, meta: SendMeta): LogInput {
  const packet = meta.packet;
  const peerId =
    meta.peerId ?? (packet !== undefined && head.direction === 'in' ? packet.from : undefined);
  return {
    at: head.at,
    direction: head.direction,
    transport: head.transport,
    local: formatEndpoint(head.local),
    remote: formatEndpoint(head.remote),
    size: head.size,
    kind: packet?.kind ?? meta.kind ?? 'unknown',
    summary:
      packet !== undefined
        ? packetSummary(packet)
        : meta.bundled !== undefined
          ? bundleSummary(meta.bundled.packets, meta.bundled.bad)
          : (meta.summary ?? ''),
    ...(packet === undefined ? {} : { fields: packetFields(packet) }),
    ...(peerId === undefined ? {} : { peerId }),
    ...(meta.sealed === undefined ? {} : { sealed: meta.sealed }),
  };
}

/**
 * What the entry of a sealed record needs besides its inner bytes: whose packets they are and
 * how they were read, no packet object.
 */
interface SealedView {
  readonly bundle: boolean;
  readonly kind: string | undefined;
  /** The sender the packets name (a bundle's packets naming another were counted bad). */
  readonly sender: string | undefined;
  readonly compactFrom: string | undefined;
  readonly bad: number | undefined;
  readonly peerId: string | undefined;
  readonly sealed: SendMeta['sealed'];
}

export function sealedView(meta: SendMeta, direction: 'in' | 'out'): SealedView {
  const bundled = meta.bundled;
  const packet = meta.packet;
  return {
    bundle: packet === undefined,
    kind: meta.kind,
    sender: packet?.from ?? bundled?.packets[0]?.from ?? meta.peerId,
    compactFrom: bundled?.compactFrom,
    bad: bundled?.bad,
    peerId: meta.peerId ?? (packet !== undefined && direction === 'in' ? packet.from : undefined),
    sealed: meta.sealed,
  };
}

/**
 * The entry of a sealed record, its packets decoded again from `inner` when it is read: the same
 * packets its sender encoded or its receiver decoded (the codec is deterministic), so the same
 * summary and fields as from the packets themselves.
 */
export function rereadLater(head: EntryHead, inner: Uint8Array, view: SealedView): () => LogInput {
  return () => {
    const meta: SendMeta = {
      ...(view.peerId === undefined ? {} : { peerId: view.peerId }),
      ...(view.sealed === undefined ? {} : { sealed: view.sealed }),
      ...(view.kind === undefined ? {} : { kind: view.kind }),
    };
    if (!view.bundle) {
      const decoded = decodeRecordPacket(inner, MAX_INNER_FRAME_BYTES);
      return entryOf(head, decoded.ok ? { ...meta, packet: decoded.packet } : meta);
    }
    const decoded = decodeBundle(
      inner,
      MAX_INNER_FRAME_BYTES,
      MAX_BUNDLE_PACKETS,
      view.compactFrom,
    );
    const packets: Packet[] = [];
    if (decoded.ok)
      for (const result of decoded.packets)
        // As the node kept them (node.ts onBundle); the bad ones were counted then.
        if (
          result.ok &&
          result.packet.from === view.sender &&
          result.packet.kind !== 'lane' &&
          result.packet.kind !== 'announce'
        )
          packets.push(result.packet);
    return entryOf(head, {
      ...meta,
      bundled: { packets, ...(view.bad === undefined ? {} : { bad: view.bad }) },
    });
  };
}
