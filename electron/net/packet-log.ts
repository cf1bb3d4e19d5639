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

/** A bounded ring of recent datagrams and TCP frames, oldest first when read. */
export class PacketLog {
  private readonly entries: (PacketLogEntry | undefined)[];
  private readonly payloads: (LoggedPayload | undefined)[];
  private next = 0;
  private seq = 0;

  constructor(private readonly capacity: number) {
    this.entries = new Array<PacketLogEntry | undefined>(capacity);
    this.payloads = new Array<LoggedPayload | undefined>(capacity);
  }

  add(input: LogInput, bytes?: Uint8Array, decrypted = false): PacketLogEntry {
    this.seq += 1;
    const entry: PacketLogEntry = { seq: this.seq, ...input };
    this.entries[this.next] = entry;
    // A copy: the socket's buffer may be reused.
    this.payloads[this.next] =
      bytes === undefined
        ? undefined
        : {
            bytes: Uint8Array.from(bytes.subarray(0, MAX_PAYLOAD_KEPT)),
            size: bytes.byteLength,
            decrypted,
          };
    this.next = (this.next + 1) % this.capacity;
    return entry;
  }

  /** The bytes of entry `seq`, while it is still in the ring. */
  payload(seq: number): LoggedPayload | undefined {
    const age = this.seq - seq;
    if (seq < 1 || age < 0 || age >= this.capacity) return undefined;
    const slot = (this.next - 1 - age + this.capacity * 2) % this.capacity;
    return this.entries[slot]?.seq === seq ? this.payloads[slot] : undefined;
  }

  /** The newest `limit` entries, oldest first. */
  recent(limit = this.capacity): PacketLogEntry[] {
    const ordered = [...this.entries.slice(this.next), ...this.entries.slice(0, this.next)];
    return ordered.filter((e): e is PacketLogEntry => e !== undefined).slice(-limit);
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
      return packet.control === undefined
        ? `#${packet.seq} ${preview(packet.text)}`
        : `#${packet.seq} ${packet.control}: ${controlPreview(packet.text)}`;
    case 'frag':
      return `#${packet.seq} part ${packet.index + 1}/${packet.count}${packet.control === undefined ? '' : ` (${packet.control})`}`;
    case 'ack':
      return `ack #${packet.seq}`;
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
