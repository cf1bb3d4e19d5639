// What each incoming packet does, by command. Presence packets update the peer table (and are
// answered), messages go to the receiver, RECVMSG to the sender; information requests are answered
// to the address and port they came from. Unknown commands are counted and otherwise ignored.
import type { Endpoint } from '../../../shared/address';
import { readAnnounce, type Announce } from './announce';
import type { IpmsgPacket } from './codec';
import { Command, Option } from './constants';
import type { DuplicateFilter } from './duplicates';
import { parseDecimal } from './file-list';
import type { IpmsgFiles } from './files';
import type { MessageReceiver } from './message-receiver';
import type { MessageSender } from './message-sender';
import type { IpmsgPeerTable } from './peers';
import type { Presence } from './presence';
import type { Decoded } from './text-encoding';
import type { IpmsgPeer, IpmsgPeerChange } from './types';
import type { IpmsgCounters } from './udp-wire';

export interface InboundDeps {
  readonly now: () => number;
  readonly peers: IpmsgPeerTable;
  readonly duplicates: DuplicateFilter;
  readonly presence: Presence;
  readonly sender: MessageSender;
  readonly receiver: MessageReceiver;
  readonly files: IpmsgFiles;
  readonly counters: IpmsgCounters;
  apply(changes: readonly IpmsgPeerChange[]): void;
  reply(to: Endpoint, peer: IpmsgPeer | undefined, command: number, body: string): void;
  /** SENDINFO text for this asker (a local asker also learns which copy we are). */
  info(from: Endpoint): string;
  absenceText(): string;
  /** A READMSG for a sealed message we sent. */
  read(peer: IpmsgPeer, packetNo: number): void;
  /** An announce told us this peer's encoding differs from what we broadcast. */
  announced(peer: IpmsgPeer, before: IpmsgPeer | undefined): void;
}

export class InboundHandler {
  constructor(private readonly deps: InboundDeps) {}

  /** `decode` reads this packet's other fields with the same encoding hints as `body`. */
  handle(
    packet: IpmsgPacket,
    from: Endpoint,
    body: Decoded,
    decode: (bytes: Uint8Array) => string,
  ): void {
    switch (packet.mode) {
      case Command.BR_ENTRY:
        this.deps.duplicates.entry(from.address, packet.packetNo, this.deps.now());
        {
          this.presence(packet, from, true, decode);
          return;
        }
      case Command.ANSENTRY:
      case Command.BR_ABSENCE: {
        this.presence(packet, from, false, decode);
        return;
      }
      case Command.BR_EXIT: {
        this.deps.apply(this.deps.peers.markOffline(this.idOf(from)));
        return;
      }
      case Command.SENDMSG:
      case Command.IPTUX_SENDMSG: {
        this.message(packet, from);
        return;
      }
      case Command.RECVMSG: {
        const peer = this.touch(from);
        const acked = parseDecimal(body.text);
        if (peer !== undefined && acked !== undefined) this.deps.sender.acknowledge(peer.id, acked);
        return;
      }
      default: {
        this.other(packet, from, body);
        return;
      }
    }
  }

  private other(packet: IpmsgPacket, from: Endpoint, body: Decoded): void {
    switch (packet.mode) {
      case Command.READMSG: {
        const peer = this.touch(from);
        const packetNo = parseDecimal(body.text);
        if (peer === undefined || packetNo === undefined) return;
        this.deps.read(peer, packetNo);
        if ((packet.options & Option.READCHECKOPT) !== 0) {
          this.deps.reply(from, peer, Command.ANSREADMSG, String(packetNo));
        }
        return;
      }
      case Command.GETINFO: {
        this.deps.reply(from, this.known(from), Command.SENDINFO, this.deps.info(from));
        return;
      }
      case Command.SENDINFO: {
        this.setInfo(from, { info: body.text });
        return;
      }
      case Command.GETABSENCEINFO: {
        this.deps.reply(from, this.known(from), Command.SENDABSENCEINFO, this.deps.absenceText());
        return;
      }
      case Command.SENDABSENCEINFO: {
        this.setInfo(from, { absence: body.text });
        return;
      }
      case Command.RELEASEFILES: {
        const packetNo = parseDecimal(body.text);
        if (this.touch(from) !== undefined && packetNo !== undefined)
          this.deps.files.released(from.address, packetNo);
        return;
      }
      case Command.ANSREADMSG:
      case Command.DELMSG:
      case Command.GETPUBKEY: // we offer no encryption, so the peer sends us plain text
      case Command.ANSPUBKEY:
      case Command.NOOPERATION:
        this.refreshKnown(from);
        return;
      default:
        this.deps.counters.unknownIgnored += 1;
        this.refreshKnown(from);
    }
  }

  private presence(
    packet: IpmsgPacket,
    from: Endpoint,
    isEntry: boolean,
    decode: (bytes: Uint8Array) => string,
  ): void {
    const before = this.deps.peers.byAddress(from.address);
    const announce: Announce = readAnnounce(packet, decode);
    this.deps.apply(this.deps.peers.observe(from.address, from.port, this.deps.now(), announce));
    const peer = this.deps.peers.byAddress(from.address);
    if (peer === undefined) return; // the table is full of online peers
    if (isEntry) this.deps.presence.answer(peer, from);
    this.deps.announced(peer, before);
    this.deps.sender.resume(peer.id);
  }

  private message(packet: IpmsgPacket, from: Endpoint): void {
    const known = this.deps.peers.byAddress(from.address) !== undefined;
    const peer = this.touch(from);
    if (peer === undefined) return;
    // IP Messenger asks an unknown sender who it is, unless it said not to (NOADDLISTOPT).
    if (!known && (packet.options & Option.NOADDLISTOPT) === 0)
      this.deps.presence.entryTo(from, peer.encoding);
    this.deps.receiver.receive(packet, from, peer);
  }

  private setInfo(from: Endpoint, info: { info?: string; absence?: string }): void {
    const peer = this.touch(from);
    if (peer !== undefined) this.deps.apply(this.deps.peers.setInfo(peer.id, info));
  }

  /** Any valid packet proves the peer is there; a new one is added with what we know. */
  private touch(from: Endpoint): IpmsgPeer | undefined {
    this.deps.apply(this.deps.peers.observe(from.address, from.port, this.deps.now()));
    const peer = this.deps.peers.byAddress(from.address);
    if (peer !== undefined) this.deps.sender.resume(peer.id);
    return peer;
  }

  /** Other commands refresh known peers only: they must not let junk fill the table. */
  private refreshKnown(from: Endpoint): void {
    if (this.known(from) !== undefined) this.touch(from);
  }

  private known(from: Endpoint): IpmsgPeer | undefined {
    return this.deps.peers.byAddress(from.address);
  }

  private idOf(from: Endpoint): string {
    return this.deps.peers.byAddress(from.address)?.id ?? '';
  }
}
