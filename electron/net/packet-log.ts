import type { PacketLogEntry } from '../../shared/domain';
import type { Packet } from '../../shared/protocol/packets';

export type LogInput = Omit<PacketLogEntry, 'seq'>;

/**
 * Bytes kept per entry for the inspector's payload view: a datagram whole (1,200 bytes at most),
 * the start of a long TCP frame. 2,000 entries keep at most 16 MiB, usually far less.
 */
export const MAX_PAYLOAD_KEPT = 8 * 1024;

/** An entry's bytes as the log kept them. */
export interface LoggedPayload {
  readonly bytes: Uint8Array;
  /** The whole datagram's or frame's size (more than `bytes` when it was cut). */
  readonly size: number;
  /** The inner packet of a sealed record, decrypted (the wire carried ciphertext). */
  readonly decrypted: boolean;
}

/**
 * The bytes an entry keeps. An array that is the whole of its buffer is kept as it is, not
 * copied: whoever logs bytes hands them over and never writes them again. The datagrams Node
 * reads, the plaintexts the ciphers return (test/electron/net/crypto/fresh-output.test.ts) and
 * the records and packets this node encodes are each a fresh buffer of their own. A view into a
 * larger buffer (a TCP frame cut from what the socket read, a pooled Buffer, a long frame's
 * start) is copied: kept as it is, it would keep the whole buffer alive, or see it reused.
 */
function kept(bytes: Uint8Array): Uint8Array {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return whole && bytes.byteLength <= MAX_PAYLOAD_KEPT
    ? bytes
    : new Uint8Array(bytes.subarray(0, MAX_PAYLOAD_KEPT));
}

/**
 * A bounded ring of recent datagrams and TCP frames, oldest first when read. An entry may be added
 * as a function that builds it: it is then built only when read (the inspector, the CLI, a
 * listener), so a node that nobody watches does not format every datagram it sends or receives.
 */
export class PacketLog {
  private readonly entries: (PacketLogEntry | (() => LogInput) | undefined)[];
  private readonly seqs: number[];
  private readonly payloads: (LoggedPayload | undefined)[];
  private next = 0;
  private seq = 0;

  constructor(private readonly capacity: number) {
    this.entries = new Array<PacketLogEntry | (() => LogInput) | undefined>(capacity);
    this.seqs = new Array<number>(capacity).fill(0);
    this.payloads = new Array<LoggedPayload | undefined>(capacity);
  }

  add(input: LogInput, bytes?: Uint8Array, decrypted = false): PacketLogEntry {
    const entry: PacketLogEntry = { seq: this.seq + 1, ...input };
    this.put(entry, bytes, decrypted);
    return entry;
  }

  /** Adds what builds an entry on its first read; returns the entry's `seq`. */
  addLazy(build: () => LogInput, bytes?: Uint8Array, decrypted = false): number {
    this.put(build, bytes, decrypted);
    return this.seq;
  }

  private put(
    held: PacketLogEntry | (() => LogInput),
    bytes: Uint8Array | undefined,
    decrypted: boolean,
  ): void {
    this.seq += 1;
    const slot = this.next;
    this.seqs[slot] = this.seq;
    this.entries[slot] = held;
    this.payloads[slot] =
      bytes === undefined ? undefined : { bytes: kept(bytes), size: bytes.byteLength, decrypted };
    this.next = (slot + 1) % this.capacity;
  }

  /** Entry `seq`, while it is still in the ring. */
  entry(seq: number): PacketLogEntry | undefined {
    const slot = this.slotOf(seq);
    return slot === undefined ? undefined : this.built(slot);
  }

  /** The bytes of entry `seq`, while it is still in the ring. */
  payload(seq: number): LoggedPayload | undefined {
    const slot = this.slotOf(seq);
    return slot === undefined ? undefined : this.payloads[slot];
  }

  /** The newest `limit` entries, oldest first. */
  recent(limit = this.capacity): PacketLogEntry[] {
    const out: PacketLogEntry[] = [];
    const count = Math.min(Math.max(limit, 0), this.capacity, this.seq);
    for (let seq = this.seq - count + 1; seq <= this.seq; seq += 1) {
      const entry = this.entry(seq);
      if (entry !== undefined) out.push(entry);
    }
    return out;
  }

  private slotOf(seq: number): number | undefined {
    const age = this.seq - seq;
    if (seq < 1 || age < 0 || age >= this.capacity) return undefined;
    const slot = (this.next - 1 - age + this.capacity * 2) % this.capacity;
    return this.seqs[slot] === seq ? slot : undefined;
  }

  private built(slot: number): PacketLogEntry | undefined {
    const held = this.entries[slot];
    if (typeof held !== 'function') return held;
    const entry: PacketLogEntry = { seq: this.seqs[slot] ?? 0, ...held() };
    this.entries[slot] = entry;
    return entry;
  }
}

const MAX_FIELD_CHARS = 200;

/** The fields of a decoded packet, flattened for display (long text cut). */
export function packetFields(packet: Packet): Record<string, string | number | boolean | null> {
  const fields: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(packet)) {
    if (typeof value === 'string') {
      fields[key] = value.length > MAX_FIELD_CHARS ? `${value.slice(0, MAX_FIELD_CHARS)}…` : value;
    } else if (typeof value === 'number' || typeof value === 'boolean') {
      fields[key] = value;
    }
  }
  // A group item's descriptor is an object: the inspector gets the group id to filter by.
  if ((packet.kind === 'text' || packet.kind === 'frag') && packet.group !== undefined) {
    fields['group'] = packet.group.id;
    fields['groupItem'] = packet.group.type;
    if (packet.group.type === 'post') fields['groupSender'] = packet.group.by;
  }
  return fields;
}

/** One line a person can read in the inspector. */
export function packetSummary(packet: Packet): string {
  switch (packet.kind) {
    case 'announce':
      return `here: port ${packet.port}${packet.tcp === 0 ? '' : ` tcp ${packet.tcp}`}`;
    case 'hello':
      return `${packet.nick} @${packet.host} port ${packet.port}${packet.tcp === 0 ? '' : ` tcp ${packet.tcp}`} ${packet.status}`;
    case 'bye':
      return 'leaving';
    case 'text':
      if (packet.group?.type === 'state')
        return `#${packet.seq} group ${packet.group.id.slice(0, 8)} membership`;
      if (packet.group?.type === 'post')
        return `#${packet.seq} group ${packet.group.id.slice(0, 8)} ${packet.group.by.slice(0, 8)}#${packet.group.seq} ${preview(packet.text)}`;
      return packet.control === undefined
        ? `#${packet.seq} ${preview(packet.text)}`
        : `#${packet.seq} ${packet.control}: ${controlPreview(packet.text)}`;
    case 'frag':
      return `#${packet.seq} part ${packet.index + 1}/${packet.count}${packet.control === undefined ? '' : ` (${packet.control})`}`;
    case 'ack':
      return `ack #${packet.seq}`;
    case 'acks':
      return `acks ${packet.acks.map((a) => `#${a.seq}`).join(' ')}`;
    case 'group-sync':
      return `group ${packet.group.slice(0, 8)} sync v${packet.version}, ${packet.heads.length} senders${packet.ask ? ', asks back' : ''}`;
    case 'group-want':
      return `group ${packet.group.slice(0, 8)} wants ${packet.ranges.length} ranges`;
    case 'typing':
      return 'typing…';
    case 'lane':
      return 'file data lane';
  }
}

/** A control message's type and transfer (`file-offer 3fa0…`), not its whole JSON. */
function controlPreview(text: string): string {
  const type = /"type":"([a-z-]{1,32})"/.exec(text)?.[1];
  const transfer = /"transfer":"([0-9a-f]{8})/.exec(text)?.[1];
  if (type === undefined) return preview(text, 40);
  return transfer === undefined ? type : `${type} ${transfer}…`;
}

export function preview(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** `5 packets: text ×4, acks` (`, 2 bad` when it held bad ones) for the packet log. */
export function bundleSummary(packets: readonly Packet[], bad = 0): string {
  const counts = new Map<string, number>();
  for (const packet of packets) counts.set(packet.kind, (counts.get(packet.kind) ?? 0) + 1);
  const kinds = [...counts].map(([kind, n]) => (n === 1 ? kind : `${kind} ×${n}`));
  return `${packets.length} packets: ${kinds.join(', ')}${bad > 0 ? `, ${bad} bad` : ''}`;
}
