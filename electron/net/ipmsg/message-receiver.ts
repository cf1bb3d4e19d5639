// Incoming SENDMSG (and iptux's group message): drop retransmissions, decode, store, then
// acknowledge with RECVMSG and show. Storing comes first: a message that cannot be stored is not
// acknowledged, so the sender tries again. Sealed messages (SECRETOPT) are remembered until the
// app marks the conversation read, and then answered with READMSG.
import { formatEndpoint, type Endpoint } from '../../../shared/address';
import type { ChatMessage } from '../../../shared/domain';
import { randomToken } from '../ids';
import type { IpmsgPacket } from './codec';
import { Command, Option } from './constants';
import type { DuplicateFilter } from './duplicates';
import type { Decoded } from './text-encoding';
import type { IpmsgMessageMeta, IpmsgPeer } from './types';
import type { IpmsgCounters } from './udp-wire';

const MAX_SEALED = 4096;
const NO_REPLY = Option.BROADCASTOPT | Option.AUTORETOPT;

export interface ReceiverDeps {
  readonly now: () => number;
  readonly counters: IpmsgCounters;
  readonly duplicates: DuplicateFilter;
  decode(peer: IpmsgPeer, packet: IpmsgPacket, bytes: Uint8Array): Decoded;
  /** Undefined when storage failed (then no acknowledgement goes out). */
  save(message: ChatMessage): 'inserted' | 'duplicate' | undefined;
  reply(to: Endpoint, peer: IpmsgPeer, command: number, body: string): void;
  /** Files offered with the message: returns the offer id. */
  offered(peer: IpmsgPeer, packet: IpmsgPacket, list: string): string | undefined;
  received(message: ChatMessage, meta: IpmsgMessageMeta): void;
}

interface Sealed {
  readonly peerId: string;
  readonly to: Endpoint;
  readonly packetNo: number;
}

export class MessageReceiver {
  private readonly sealed = new Map<string, Sealed>();

  constructor(private readonly deps: ReceiverDeps) {}

  receive(packet: IpmsgPacket, from: Endpoint, peer: IpmsgPeer): void {
    const wantsAck =
      packet.mode === Command.SENDMSG &&
      (packet.options & Option.SENDCHECKOPT) !== 0 &&
      (packet.options & NO_REPLY) === 0;
    if (this.deps.duplicates.has(from.address, packet.packetNo)) {
      this.deps.counters.duplicatesDropped += 1;
      if (wantsAck) this.ack(from, peer, packet); // our first RECVMSG may have been lost
      return;
    }
    const decoded = this.deps.decode(peer, packet, packet.body);
    const attach = (packet.options & Option.FILEATTACHOPT) !== 0 && packet.sections.length > 0;
    const message =
      decoded.text === '' ? undefined : this.message(packet, from, peer, decoded.text);
    if (message !== undefined) {
      const stored = this.deps.save(message);
      if (stored === undefined) return; // not stored: no ack, the sender will try again
      if (stored === 'duplicate') {
        this.deps.duplicates.add(from.address, packet.packetNo);
        if (wantsAck) this.ack(from, peer, packet);
        return;
      }
    }
    this.deps.duplicates.add(from.address, packet.packetNo);
    if (wantsAck) this.ack(from, peer, packet);
    const offerId = attach ? this.offer(peer, packet) : undefined;
    if (message === undefined) return;
    this.deps.counters.messagesReceived += 1;
    const sealed = (packet.options & Option.SECRETOPT) !== 0;
    if (sealed)
      this.rememberSealed(message.id, { peerId: peer.id, to: from, packetNo: packet.packetNo });
    this.deps.received(message, {
      packetNo: packet.packetNo,
      multicast:
        (packet.options & Option.MULTICASTOPT) !== 0 || packet.mode === Command.IPTUX_SENDMSG,
      broadcast: (packet.options & Option.BROADCASTOPT) !== 0,
      sealed,
      encoding: decoded.telling ? decoded.encoding : 'ascii',
      ...(offerId === undefined ? {} : { offerId }),
    });
  }

  /** The user has seen `peerId`'s messages: READMSG for the sealed ones. Returns how many. */
  markRead(peerId: string, peer: IpmsgPeer | undefined): number {
    if (peer === undefined) return 0;
    const done: string[] = [];
    for (const [messageId, sealed] of this.sealed.entries()) {
      if (sealed.peerId !== peerId) continue;
      this.deps.reply(sealed.to, peer, Command.READMSG, String(sealed.packetNo));
      done.push(messageId);
    }
    for (const id of done) this.sealed.delete(id);
    return done.length;
  }

  private rememberSealed(messageId: string, sealed: Sealed): void {
    this.sealed.set(messageId, sealed);
    if (this.sealed.size > MAX_SEALED) {
      const oldest = this.sealed.keys().next();
      if (oldest.done !== true) this.sealed.delete(oldest.value);
    }
  }

  private ack(from: Endpoint, peer: IpmsgPeer, packet: IpmsgPacket): void {
    this.deps.reply(from, peer, Command.RECVMSG, String(packet.packetNo));
  }

  private offer(peer: IpmsgPeer, packet: IpmsgPacket): string | undefined {
    const list = this.deps.decode(peer, packet, packet.sections[0] ?? new Uint8Array(0));
    return this.deps.offered(peer, packet, list.text);
  }

  private message(packet: IpmsgPacket, from: Endpoint, peer: IpmsgPeer, text: string): ChatMessage {
    const now = this.deps.now();
    return {
      id: `ipm-${randomToken()}`,
      peerId: peer.id,
      direction: 'in',
      text: text.replace(/\r\n?/g, '\n'),
      transport: 'udp',
      state: 'received',
      seq: packet.packetNo,
      sentAt: now,
      receivedAt: now,
      remote: formatEndpoint(from),
    };
  }
}
