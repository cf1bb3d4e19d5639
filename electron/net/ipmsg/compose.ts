// Builds our outgoing packets: the header with our names, the command with the UTF-8 options
// when the text is UTF-8, the body and NUL-separated sections in the recipient's encoding.
import type { PeerStatus } from '../../../shared/domain';
import { formatPacket, joinExtra } from './codec';
import { OWN_VERSION, Option } from './constants';
import type { PacketNumbers } from './packet-numbers';
import { encodeText, isAscii, type IpmsgEncoding } from './text-encoding';

export interface OwnIdentity {
  readonly nick: string;
  /** IPMsg's login name field. */
  readonly user: string;
  readonly host: string;
  readonly group: string;
  readonly status: PeerStatus;
}

export interface Outgoing {
  readonly bytes: Buffer;
  readonly packetNo: number;
  readonly command: number;
  /** The main text, for the packet log. */
  readonly text: string;
  readonly encoding: IpmsgEncoding | 'ascii';
  readonly user: string;
  readonly host: string;
}

export interface ComposeInput {
  readonly command: number;
  readonly encoding: IpmsgEncoding;
  readonly body: string;
  readonly sections?: readonly string[];
  /** Reuse a number (retransmissions); a fresh one otherwise. */
  readonly packetNo?: number;
}

export class PacketComposer {
  constructor(
    private readonly numbers: PacketNumbers,
    private readonly self: () => OwnIdentity,
  ) {}

  compose(input: ComposeInput): Outgoing {
    const me = this.self();
    const encode = (text: string): Buffer => encodeText(text, input.encoding);
    const body = encode(input.body);
    const sections = (input.sections ?? []).map(encode);
    const user = encode(me.user);
    const host = encode(me.host);
    const plain = [body, ...sections, user, host].every((part) => isAscii(part));
    const utf8 = input.encoding === 'utf-8' && !plain ? Option.UTF8OPT : 0;
    const command = (input.command | utf8) >>> 0;
    const packetNo = input.packetNo ?? this.numbers.next();
    const header = { version: OWN_VERSION, packetNo, user, host, command };
    return {
      bytes: formatPacket(header, joinExtra(body, sections)),
      packetNo,
      command,
      text: input.body,
      encoding: plain ? 'ascii' : input.encoding,
      user: me.user,
      host: me.host,
    };
  }

  /** How many bytes of body fit one datagram of `max` bytes for this command and encoding. */
  bodyRoom(command: number, encoding: IpmsgEncoding, max: number): number {
    const empty = this.compose({ command, encoding, body: '', packetNo: 0xffff_ffff });
    return max - empty.bytes.byteLength;
  }
}
