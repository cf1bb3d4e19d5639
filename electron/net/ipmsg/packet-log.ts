// Packet log entries for IPMsg traffic, in the node's PacketLogEntry shape: the command name as
// the kind, and the options, packet number, decoded text and the encoding used in the fields.
import { formatEndpoint, type Endpoint } from '../../../shared/address';
import type { PacketLogEntry, Transport } from '../../../shared/domain';
import { PacketLog } from '../packet-log';
import { commandName, optionNames } from './codec';
import { MODE_MASK } from './constants';
import { ipmsgPeerId } from '../../../shared/ipmsg-id';

const MAX_FIELD_CHARS = 200;
const PREVIEW_CHARS = 60;

export interface LoggedPacket {
  readonly version: string;
  readonly packetNo: number;
  readonly user: string;
  readonly host: string;
  readonly command: number;
  /** The decoded main text (message, nickname, packet number…). */
  readonly text: string;
  readonly encoding: string;
}

export interface LogPlace {
  readonly direction: 'in' | 'out';
  readonly transport: Transport;
  readonly local: Endpoint;
  readonly remote: Endpoint;
  readonly size: number;
}

export class IpmsgPacketLog {
  private readonly ring: PacketLog;

  constructor(
    capacity: number,
    private readonly now: () => number,
    private readonly emit: (entry: PacketLogEntry) => void,
  ) {
    this.ring = new PacketLog(capacity);
  }

  packet(place: LogPlace, packet: LoggedPacket): void {
    const options = optionNames(packet.command);
    const kind = commandName(packet.command & MODE_MASK);
    this.add(
      place,
      kind,
      `#${packet.packetNo}${options.length === 0 ? '' : ` ${options.join('|')}`} ${preview(packet.text)}`.trim(),
      {
        version: packet.version,
        packetNo: packet.packetNo,
        user: cut(packet.user),
        host: cut(packet.host),
        command: `0x${(packet.command >>> 0).toString(16)}`,
        options: options.join('|'),
        text: cut(packet.text),
        encoding: packet.encoding,
      },
    );
  }

  /** Junk, file data and anything that is not one packet. */
  other(place: LogPlace, kind: string, summary: string): void {
    this.add(place, kind, summary);
  }

  recent(limit?: number): PacketLogEntry[] {
    return this.ring.recent(limit);
  }

  private add(
    place: LogPlace,
    kind: string,
    summary: string,
    fields?: Record<string, string | number | boolean | null>,
  ): void {
    const entry = this.ring.add({
      at: this.now(),
      direction: place.direction,
      transport: place.transport,
      local: formatEndpoint(place.local),
      remote: formatEndpoint(place.remote),
      size: place.size,
      kind,
      summary,
      ...(fields === undefined ? {} : { fields }),
      peerId: ipmsgPeerId(place.remote.address),
    });
    this.emit(entry);
  }
}

function cut(text: string): string {
  return text.length > MAX_FIELD_CHARS ? `${text.slice(0, MAX_FIELD_CHARS)}…` : text;
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS)}…` : flat;
}
