import type { Endpoint } from '../../shared/address';
import {
  bundleLength,
  COMPACT_PACKET_EXTRA,
  compactAcksJson,
  compactJson,
  compactToPacket,
  CompactBundleWriter,
  encodePacket,
  joinBundle,
  ProtocolError,
} from '../../shared/protocol/codec';
import { utf8Length } from '../../shared/utf8';
import { MAX_ACKS_PER_PACKET, MAX_BUNDLE_PACKETS } from '../../shared/protocol/constants';
import type { AckPacket, AcksPacket, Packet } from '../../shared/protocol/packets';
import type { SealedHeader } from './secure-channel';
import type { SendMeta } from './wire';

type AcksEntry = AcksPacket['acks'][number];

export interface BundlerDeps {
  readonly nodeId: string;
  /** The largest inner plaintext of one record (a datagram's: MAX_INNER_DATAGRAM_BYTES). */
  readonly maxInner: number;
  /** Seals `inner` in the peer's session; undefined when there is none any more. */
  seal(peerId: string, inner: Uint8Array): { record: Uint8Array; header: SealedHeader } | undefined;
  /** Hands one sealed record to the network. */
  send(record: Uint8Array, to: Endpoint, meta: SendMeta): void;
  /** The session was gone when the turn ended: a handshake starts (its packets are lost). */
  noSession(peerId: string, to: Endpoint): void;
  /**
   * A queue could not be sent because of a bug (the flush runs in a microtask, where a throw would
   * end the process): its packets are lost, as if the datagram was; the reliable ones go again.
   */
  failed(peerId: string, error: unknown): void;
  /** Runs `flush` once the current task is done (by default a microtask queued now). */
  schedule?(flush: () => void): () => void;
  /**
   * Whether the peer's last handshake listed `compact` as well: its bundles then carry the
   * packets without `proto`, `v` and `from` (docs/PROTOCOL.md, "Compact bundles").
   */
  compact?(peerId: string): boolean;
}

interface Item {
  readonly packet: Packet;
  /**
   * The encoded packet: its bytes, or in a compact queue its JSON as `compactJson` makes it (the
   * record's packets are encoded to UTF-8 together, at the flush: `CompactBundleWriter`).
   * Undefined for an ack, which is encoded at the flush, when the acks are joined into `acks`.
   */
  readonly encoded: Uint8Array | string | undefined;
  /** Bytes of `encoded` when it is bytes; 0 for JSON text (measured as it is written) and acks. */
  readonly size: number;
}

interface Queue {
  readonly key: string;
  readonly peerId: string;
  readonly to: Endpoint;
  readonly items: Item[];
  /** The peer takes compact bundles: the items are encoded compact (see `add()`). */
  readonly compact: boolean;
}

/** `{"id":"","epoch":"","seq":}` and the comma before it: an `acks` entry's bytes besides its values. */
const ACK_ENTRY_BYTES = 28;

/**
 * Record bundling (docs/PROTOCOL.md, "Bundles"): the sealed packets for one peer session made in
 * one event-loop turn (the texts of a burst, their retransmissions, acks, typing) go out as few
 * records as fit, each a JSON array of packets, instead of one record per packet. The acks of a
 * turn become `acks` packets. Only for a peer whose handshake listed the `bundle` feature; the
 * node decides that, this class only packs.
 *
 * Nothing waits for company: the turn's packets go when the turn ends, so a lone packet leaves
 * as soon as it would have, as a plain record.
 */
export class Bundler {
  /**
   * The turn's queues: the first one, and the others by key (a stream's turn has one queue, so
   * no map is filled, spread and cleared per turn).
   */
  private first: Queue | undefined;
  private more: Map<string, Queue> | undefined;
  private cancel: (() => void) | undefined;
  private acksEnvelope: number | undefined;
  /** The compact bundle writer, between flushes (`flushCompact`). */
  private writer: CompactBundleWriter | undefined;
  private lastKey:
    | {
        readonly peerId: string;
        readonly address: string;
        readonly port: number;
        readonly key: string;
      }
    | undefined;

  constructor(private readonly deps: BundlerDeps) {}

  /**
   * Queues a packet for the peer's session, to go at the end of this turn. Throws
   * ProtocolError('too-large') at once when the packet alone does not fit a record.
   */
  add(peerId: string, to: Endpoint, packet: Packet): void {
    const key = this.keyOf(peerId, to);
    let queue = this.first?.key === key ? this.first : this.more?.get(key);
    if (queue === undefined) {
      // Our own packets only (every sealed packet names this node): the bundle gives `from`.
      queue = { key, peerId, to, items: [], compact: this.deps.compact?.(peerId) === true };
      if (this.first === undefined) this.first = queue;
      else (this.more ??= new Map()).set(key, queue);
    }
    if (packet.from !== this.deps.nodeId && queue.compact)
      throw new ProtocolError('bad-field', `a ${packet.kind} packet from another node`);
    queue.items.push(
      packet.kind === 'ack'
        ? { packet, encoded: undefined, size: 0 }
        : this.encode(packet, queue.compact),
    );
    this.cancel ??= (this.deps.schedule ?? endOfTask)(() => {
      this.cancel = undefined;
      this.flush();
    });
  }

  /**
   * The queue key of a peer's session at an endpoint. A stream adds every packet for the same
   * one: the last key is kept, so the string is not built (and hashed) again per packet.
   */
  private keyOf(peerId: string, to: Endpoint): string {
    const last = this.lastKey;
    if (last?.peerId === peerId && last.address === to.address && last.port === to.port)
      return last.key;
    const key = `${peerId} ${to.address}:${to.port}`;
    this.lastKey = { peerId, address: to.address, port: to.port, key };
    return key;
  }

  /** Seals and sends everything queued now (the turn ended, or the node is closing). */
  flush(): void {
    this.cancel?.();
    this.cancel = undefined;
    const { first, more } = this;
    this.first = undefined;
    this.more = undefined;
    if (first !== undefined) this.flushSafely(first);
    if (more !== undefined) for (const queue of more.values()) this.flushSafely(queue);
  }

  private flushSafely(queue: Queue): void {
    try {
      this.flushQueue(queue);
    } catch (error) {
      this.deps.failed(queue.peerId, error);
    }
  }

  /**
   * A packet's bytes as its queue carries them. Throws ProtocolError('too-large') when the
   * packet alone would not fit a record.
   */
  private encode(packet: Packet, compact: boolean): Item {
    if (!compact) {
      const bytes = encodePacket(packet, this.deps.maxInner);
      return { packet, encoded: bytes, size: bytes.byteLength };
    }
    return this.compactItem(packet, compactJson(packet));
  }

  /**
   * A compact queue's item. Throws ProtocolError('too-large') when the packet alone would not
   * fit a record; its UTF-8 length is counted only when 3 bytes per UTF-16 unit might not.
   */
  private compactItem(packet: Packet, json: string): Item {
    if (json.length * 3 + COMPACT_PACKET_EXTRA + packet.from.length > this.deps.maxInner) {
      const alone = aloneBytes(packet, json);
      if (alone > this.deps.maxInner) throw this.tooLarge(packet, alone);
    }
    return { packet, encoded: json, size: 0 };
  }

  /** The error for a packet of `bytes` that does not fit a record alone. */
  private tooLarge(packet: Packet, bytes: number): ProtocolError {
    return new ProtocolError(
      'too-large',
      `${packet.kind} packet is ${bytes} bytes, limit ${this.deps.maxInner}`,
    );
  }

  private flushQueue(queue: Queue): void {
    const parts = this.withAcksJoined(queue.items, queue.compact);
    if (queue.compact) {
      this.flushCompact(queue, parts);
      return;
    }
    let group: Item[] = [];
    let bytes = 0;
    for (const part of parts) {
      const size = part.size;
      if (
        group.length > 0 &&
        (group.length >= MAX_BUNDLE_PACKETS ||
          bundleLength(bytes + size, group.length + 1) > this.deps.maxInner)
      ) {
        if (!this.sendGroup(queue, group)) return;
        group = [];
        bytes = 0;
      }
      group.push(part);
      bytes += size;
    }
    if (group.length > 0) this.sendGroup(queue, group);
  }

  /**
   * A compact queue's packets, written into bundles as they come: a packet that does not fit the
   * record begun (or would be its MAX_BUNDLE_PACKETS + 1st) begins the next one. The same records
   * as grouping by UTF-8 sizes, without counting them.
   */
  private flushCompact(queue: Queue, parts: readonly Item[]): void {
    // Taken while in use: a flush that runs inside this one (from a callback) makes its own.
    const writer = this.writer ?? new CompactBundleWriter(this.deps.maxInner);
    this.writer = undefined;
    try {
      let group: Item[] = [];
      writer.start();
      for (const part of parts) {
        const json = typeof part.encoded === 'string' ? part.encoded : '';
        if (group.length < MAX_BUNDLE_PACKETS && writer.add(json)) {
          group.push(part);
          continue;
        }
        if (group.length > 0 && !this.sendCompact(queue, group, writer)) return;
        group = [part];
        writer.start();
        // A packet that fits a record alone fits a bundle of one; one that does not is refused.
        if (!writer.add(json)) throw this.tooLarge(part.packet, aloneBytes(part.packet, json));
      }
      if (group.length > 0) this.sendCompact(queue, group, writer);
    } finally {
      this.writer = writer;
    }
  }

  /** A compact group's record: the packet alone when there is one, else the writer's bundle. */
  private sendCompact(queue: Queue, group: readonly Item[], writer: CompactBundleWriter): boolean {
    const first = group[0];
    if (first === undefined) return true;
    const inner =
      group.length === 1 && typeof first.encoded === 'string'
        ? compactToPacket(first.encoded, first.packet.from)
        : writer.finish();
    if (inner.byteLength > this.deps.maxInner) throw this.tooLarge(first.packet, inner.byteLength);
    return this.sendRecord(queue, group, first, inner);
  }

  /** One record of a full queue: the packet alone when there is one, else the bundle. False: no session. */
  private sendGroup(queue: Queue, group: readonly Item[]): boolean {
    const first = group[0];
    if (first === undefined) return true;
    return this.sendRecord(queue, group, first, innerOf(group, first));
  }

  /** Seals and sends one record of `group`'s packets. False: no session. */
  private sendRecord(
    queue: Queue,
    group: readonly Item[],
    first: Item,
    inner: Uint8Array,
  ): boolean {
    const sealed = this.deps.seal(queue.peerId, inner);
    if (sealed === undefined) {
      this.deps.noSession(queue.peerId, queue.to);
      return false;
    }
    const meta: SendMeta =
      group.length === 1
        ? { packet: first.packet, peerId: queue.peerId, sealed: sealed.header, inner }
        : {
            kind: 'bundle',
            bundled: {
              packets: group.map((item) => item.packet),
              compactFrom: queue.compact ? first.packet.from : undefined,
            },
            peerId: queue.peerId,
            sealed: sealed.header,
            inner,
          };
    this.deps.send(sealed.record, queue.to, meta);
    return true;
  }

  /**
   * The queue's items with its acks first: one alone stays an `ack`, more become `acks` packets
   * of as many entries as fit a record (the sender frees its window sooner). A receiver's queue
   * is all acks: one walk, no closure, and a compact `acks` packet's JSON is written as its
   * entries are made (`compactAcksJson`).
   */
  private withAcksJoined(items: Item[], compact: boolean): Item[] {
    let count = 0;
    let only: AckPacket | undefined;
    for (const item of items)
      if (item.packet.kind === 'ack') {
        count += 1;
        only = item.packet;
      }
    if (count === 0 || only === undefined) return items;
    const rest: Item[] = [];
    if (count === 1) {
      rest.push(this.encode(only, compact));
      for (const item of items) if (item.packet.kind !== 'ack') rest.push(item);
      return rest;
    }
    const joined: Item[] = [];
    const room = this.deps.maxInner - this.envelope();
    let entries: AcksEntry[] = [];
    let used = 0;
    for (const item of items) {
      const ack = item.packet;
      if (ack.kind !== 'ack') {
        rest.push(item);
        continue;
      }
      const size = ACK_ENTRY_BYTES + ack.id.length + ack.epoch.length + String(ack.seq).length;
      if (entries.length >= MAX_ACKS_PER_PACKET || used + size > room) {
        joined.push(this.acksItem(entries, compact));
        entries = [];
        used = 0;
      }
      entries.push({ id: ack.id, epoch: ack.epoch, seq: ack.seq });
      used += size;
    }
    joined.push(this.acksItem(entries, compact));
    for (const item of rest) joined.push(item);
    return joined;
  }

  /** One `acks` packet of these entries (at least one), encoded as its queue carries it. */
  private acksItem(entries: AcksEntry[], compact: boolean): Item {
    const packet: AcksPacket = { kind: 'acks', from: this.deps.nodeId, acks: entries };
    const json = compact ? compactAcksJson(entries) : undefined;
    // Its entries were counted to fit a record alone: its size is checked as it is written
    // (`sendCompact`), not measured first.
    return json === undefined ? this.encode(packet, compact) : { packet, encoded: json, size: 0 };
  }

  /** Bytes of an `acks` packet with no entries. */
  private envelope(): number {
    this.acksEnvelope ??= encodePacket({
      kind: 'acks',
      from: this.deps.nodeId,
      acks: [],
    }).byteLength;
    return this.acksEnvelope;
  }

  close(): void {
    this.cancel?.();
    this.cancel = undefined;
    this.first = undefined;
    this.more = undefined;
  }
}

/** Bytes of a compact packet sent as a record alone (`compactToPacket` of its JSON). */
function aloneBytes(packet: Packet, json: string): number {
  return utf8Length(json) + COMPACT_PACKET_EXTRA + packet.from.length;
}

/**
 * A record's inner plaintext of a full (not compact) queue's packets: a lone packet as a plain
 * record, several as a bundle.
 */
function innerOf(group: readonly Item[], first: Item): Uint8Array {
  const only = first.encoded instanceof Uint8Array ? first.encoded : new Uint8Array(0);
  if (group.length === 1) return only;
  return joinBundle(
    group.map((item) => (item.encoded instanceof Uint8Array ? item.encoded : new Uint8Array(0))),
  );
}

/**
 * Runs `flush` when the current task is done: after the callback that queued the first packet and
 * the promise reactions it started, before the event loop goes on to anything else. A lone packet
 * leaves as soon as it did before bundles; a setImmediate cost each round trip an extra turn of
 * the event loop on each side. The acks of one receiver turn still share a packet: the receiver
 * sends them together after its one storage transaction (text-receiver.ts).
 */
function endOfTask(flush: () => void): () => void {
  let live = true;
  queueMicrotask(() => {
    if (live) flush();
  });
  return () => {
    live = false;
  };
}
