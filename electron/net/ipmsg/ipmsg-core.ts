// The IPMsg module's parts and the plumbing between them: decoding with each peer's encoding,
// the packet log, storage through the StorageGuard, peer changes, replies. IpmsgNode (the public
// face) owns one of these and the sockets.
import { formatEndpoint, type Endpoint } from '../../../shared/address';
import { StorageGuard } from '../storage-guard';
import type { WarningCode } from '../types';
import { WarningGate } from '../warning-gate';
import type { IpmsgPacket } from './codec';
import { PacketComposer, type OwnIdentity } from './compose';
import { DEDUPE_WINDOW, MAX_PEERS, Option, PACKET_LOG_SIZE } from './constants';
import { DuplicateFilter } from './duplicates';
import { IpmsgFiles } from './files';
import { InboundHandler } from './inbound';
import { MessageReceiver } from './message-receiver';
import { MessageSender } from './message-sender';
import { entryTargets, isLoopback, ownAddresses, type ResolvedIpmsgOptions } from './options';
import { PacketNumbers } from './packet-numbers';
import { IpmsgPacketLog } from './packet-log';
import type { IpmsgPersistence } from './persistence';
import { IpmsgPeerTable } from './peers';
import { Presence } from './presence';
import { SentSealed } from './sent-sealed';
import {
  decodeText,
  isAscii,
  type Decoded,
  type EncodingSetting,
  type IpmsgEncoding,
} from './text-encoding';
import type { IpmsgClient, IpmsgEvents, IpmsgPeer, IpmsgPeerChange } from './types';
import { emptyIpmsgCounters, UdpWire, type IpmsgCounters } from './udp-wire';

const OWN_ADDRESSES_TTL_MS = 10_000;

export type Emit = <K extends keyof IpmsgEvents>(event: K, ...args: IpmsgEvents[K]) => void;

export class IpmsgCore {
  readonly counters: IpmsgCounters = emptyIpmsgCounters();
  readonly log: IpmsgPacketLog;
  readonly peers: IpmsgPeerTable;
  readonly composer: PacketComposer;
  readonly wire: UdpWire;
  readonly presence: Presence;
  readonly sender: MessageSender;
  readonly files: IpmsgFiles;
  readonly sealedSent = new SentSealed();
  readonly extraTargets: Endpoint[] = [];
  me: OwnIdentity;
  setting: EncodingSetting;
  /** For each refresh under way: the addresses heard from since it started. */
  readonly refreshes = new Set<Set<string>>();
  private readonly duplicates = new DuplicateFilter(DEDUPE_WINDOW, MAX_PEERS);
  private readonly receiver: MessageReceiver;
  private readonly inbound: InboundHandler;
  private readonly storage: StorageGuard;
  private readonly warnings = new WarningGate(1_000);
  private own: { at: number; addresses: Set<string> } | undefined;
  /** What we last told each peer about us in its own encoding (so it is said once). */
  private readonly announcedTo = new Map<string, string>();

  constructor(
    readonly o: ResolvedIpmsgOptions,
    private readonly emit: Emit,
  ) {
    this.me = { nick: o.nick, user: o.user, host: o.host, group: o.group, status: o.status };
    this.setting = o.encoding;
    this.log = new IpmsgPacketLog(PACKET_LOG_SIZE, o.now, (entry) => emit('packet', entry));
    this.peers = new IpmsgPeerTable(MAX_PEERS, (client, utf8) =>
      this.assumedEncoding(client, utf8),
    );
    this.storage = new StorageGuard((health) => emit('storage', health));
    this.composer = new PacketComposer(new PacketNumbers(o.now), () => this.me);
    this.wire = this.makeWire();
    this.presence = this.makePresence();
    this.sender = this.makeSender();
    this.files = this.makeFiles();
    this.receiver = this.makeReceiver();
    this.inbound = new InboundHandler({
      now: o.now,
      peers: this.peers,
      duplicates: this.duplicates,
      presence: this.presence,
      sender: this.sender,
      receiver: this.receiver,
      files: this.files,
      counters: this.counters,
      apply: (changes) => this.apply(changes),
      reply: (to, peer, command, body) => this.reply(to, peer, command, body),
      info: (from) => this.versionInfo(from),
      absenceText: () => absenceText(this.me),
      read: (peer, packetNo) => this.read(peer, packetNo),
      announced: (peer) => this.reannounce(peer),
    });
  }

  markRead(peerId: string): number {
    return this.receiver.markRead(peerId, this.peers.get(peerId));
  }

  /** What we write to everyone at once: UTF-8 unless the user chose a legacy encoding. */
  broadcastEncoding(): IpmsgEncoding {
    return this.setting === 'auto' ? 'utf-8' : this.setting;
  }

  apply(changes: readonly IpmsgPeerChange[]): void {
    for (const change of changes) {
      this.store('store a peer', (p) => p.savePeer(change.peer));
      this.emit('peer', change);
    }
  }

  reply(to: Endpoint, peer: IpmsgPeer | undefined, command: number, body: string): void {
    const encoding = peer?.encoding ?? this.broadcastEncoding();
    void this.wire.send(this.composer.compose({ command, encoding, body }), to);
  }

  warn(code: WarningCode, message: string, remote?: Endpoint): void {
    const key = `${code} ${remote === undefined ? '' : formatEndpoint(remote)}`;
    const suppressed = this.warnings.pass(key, this.o.now());
    if (suppressed < 0) return;
    const where =
      remote === undefined ? {} : { remote: { address: remote.address, port: remote.port } };
    this.emit('warning', { code, message, suppressed, ...where });
  }

  /** Runs a write against storage; undefined (reported once) when it failed or there is none. */
  store<T>(what: string, write: (p: IpmsgPersistence) => T): { value: T } | undefined {
    const persistence = this.o.persistence;
    return persistence === undefined ? undefined : this.storage.run(what, () => write(persistence));
  }

  /** Bytes from `peer` (or an unknown sender) with the decode order of text-encoding.ts. */
  decode(peer: IpmsgPeer | undefined, bytes: Uint8Array, utf8Flag: boolean): Decoded {
    const learned =
      peer?.encodingLearned === true
        ? peer.encoding
        : peer?.client === 'feiq'
          ? 'gb18030'
          : undefined;
    return decodeText(bytes, { utf8Flag, learned, setting: this.setting });
  }

  onPacket(packet: IpmsgPacket, from: Endpoint, size: number): void {
    for (const heard of this.refreshes) heard.add(from.address);
    const peer = this.peers.byAddress(from.address);
    const utf8Flag = (packet.options & Option.UTF8OPT) !== 0;
    const body = this.decode(peer, packet.body, utf8Flag);
    this.logIn(packet, from, size, body, 'udp');
    this.inbound.handle(packet, from, body, (bytes) => this.decode(peer, bytes, utf8Flag).text);
  }

  logIn(
    packet: IpmsgPacket,
    from: Endpoint,
    size: number,
    body: Decoded,
    transport: 'udp' | 'tcp',
    local?: Endpoint,
  ): void {
    const peer = this.peers.byAddress(from.address);
    const utf8Flag = (packet.options & Option.UTF8OPT) !== 0;
    const text = (bytes: Uint8Array): string => this.decode(peer, bytes, utf8Flag).text;
    const place = {
      direction: 'in' as const,
      transport,
      local: local ?? this.wire.local(),
      remote: from,
      size,
    };
    this.log.packet(place, {
      version: packet.version,
      packetNo: packet.packetNo,
      user: text(packet.user),
      host: text(packet.host),
      command: packet.command,
      text: body.text,
      encoding: body.telling ? body.encoding : 'ascii',
    });
  }

  private assumedEncoding(client: IpmsgClient, utf8Capable: boolean): IpmsgEncoding {
    if (client === 'iptux' || client === 'pchat' || utf8Capable) return 'utf-8';
    if (client === 'feiq') return 'gb18030';
    return this.setting === 'auto' ? 'gb18030' : this.setting;
  }

  private makeWire(): UdpWire {
    return new UdpWire({
      now: this.o.now,
      rateLimit: this.o.rateLimit,
      counters: this.counters,
      log: this.log,
      isSelf: (from) => from.port === this.o.port && this.ownAddresses().has(from.address),
      onPacket: (packet, from, size) => this.onPacket(packet, from, size),
      onWarning: (code, message, remote) => this.warn(code, message, remote),
    });
  }

  /** Our own addresses (our broadcasts come back from them), looked up again every 10 s. */
  private ownAddresses(): Set<string> {
    const now = this.o.now();
    if (this.own === undefined || now - this.own.at > OWN_ADDRESSES_TTL_MS) {
      this.own = { at: now, addresses: ownAddresses(this.o) };
    }
    return this.own.addresses;
  }

  private makePresence(): Presence {
    return new Presence({
      composer: this.composer,
      random: this.o.random,
      replyMaxDelayMs: this.o.replyMaxDelayMs,
      self: () => this.me,
      targets: () => entryTargets(this.o, this.extraTargets),
      broadcastEncoding: () => this.broadcastEncoding(),
      onlinePeers: () => this.peers.list().filter((p) => p.online),
      send: (out, to, quiet) => this.wire.send(out, to, quiet),
    });
  }

  private makeSender(): MessageSender {
    return new MessageSender({
      now: this.o.now,
      composer: this.composer,
      counters: this.counters,
      retryIntervalMs: this.o.retryIntervalMs,
      maxTransmissions: this.o.maxTransmissions,
      maxOutbox: this.o.maxOutbox,
      peer: (id) => this.peers.get(id),
      transmit: (out, peer) => void this.wire.send(out, peer),
      save: (message) => void this.store('store a message', (p) => p.saveOutgoing(message)),
      stateChanged: (change) => {
        this.store('store a delivery state', (p) => p.updateOutgoing(change));
        this.emit('message-state', change);
      },
    });
  }

  private makeFiles(): IpmsgFiles {
    return new IpmsgFiles({
      now: this.o.now,
      composer: this.composer,
      connectTimeoutMs: this.o.connectTimeoutMs,
      idleTimeoutMs: this.o.idleTimeoutMs,
      localAddress: this.o.bindAddress === '0.0.0.0' ? undefined : this.o.bindAddress,
      peerByAddress: (address) => this.peers.byAddress(address),
      decode: (peer, bytes) => this.decode(peer, bytes, false).text,
      send: (peer, text, options) => this.sender.send(peer, text, options),
      reply: (to, peer, command, body) => this.reply(to, peer, command, body),
      logRequest: (packet, local, remote, size) => {
        const peer = this.peers.byAddress(remote.address);
        this.logIn(packet, remote, size, this.decode(peer, packet.body, false), 'tcp', local);
      },
      offered: (offer) => this.emit('file-offer', offer),
      released: (release) => this.emit('offer-released', release),
      report: (progress) => this.emit('transfer', progress),
      counted: (direction) => {
        if (direction === 'send') this.counters.filesSent += 1;
        else this.counters.filesReceived += 1;
      },
      warn: (code, message, remote) => this.warn(code, message, remote),
    });
  }

  private makeReceiver(): MessageReceiver {
    return new MessageReceiver({
      now: this.o.now,
      counters: this.counters,
      duplicates: this.duplicates,
      decode: (peer, packet, bytes) => this.learnFrom(peer, packet, bytes),
      save: (message) => {
        if (this.o.persistence === undefined) return 'inserted';
        return this.store('store a received message', (p) => p.saveIncoming(message))?.value;
      },
      reply: (to, peer, command, body) => this.reply(to, peer, command, body),
      offered: (peer, packet, list) => this.files.received(peer, packet, list),
      received: (message, meta) => this.emit('message', message, meta),
    });
  }

  /** Decodes a message's text and learns the peer's encoding from it. */
  private learnFrom(peer: IpmsgPeer, packet: IpmsgPacket, bytes: Uint8Array): Decoded {
    const utf8Flag = (packet.options & Option.UTF8OPT) !== 0;
    const decoded = this.decode(this.peers.get(peer.id) ?? peer, bytes, utf8Flag);
    if (decoded.telling || utf8Flag) {
      const changes = this.peers.learnEncoding(peer.id, decoded.encoding, utf8Flag);
      this.apply(changes);
      const updated = this.peers.get(peer.id);
      if (changes.length > 0 && updated !== undefined) this.reannounce(updated);
    }
    return decoded;
  }

  /** Our names in the peer's own encoding, when they are not ASCII and it reads otherwise. */
  private reannounce(peer: IpmsgPeer): void {
    const names = Buffer.from(`${this.me.nick}${this.me.group}`);
    if (isAscii(names) || !peer.online || peer.encoding === this.broadcastEncoding()) return;
    const said = `${peer.encoding}|${this.me.nick}|${this.me.group}|${this.me.status}`;
    if (this.announcedTo.get(peer.id) === said) return;
    this.announcedTo.set(peer.id, said);
    if (this.announcedTo.size > MAX_PEERS) this.announcedTo.clear();
    this.presence.absenceTo(peer);
  }

  private versionInfo(from: Endpoint): string {
    const owner = this.o.ownerLabel;
    const local = isLoopback(from.address) && owner !== undefined;
    return local ? `${this.o.versionInfo} [${owner}]` : this.o.versionInfo;
  }

  private read(peer: IpmsgPeer, packetNo: number): void {
    const messageId = this.sealedSent.take(peer.address, packetNo);
    if (messageId === undefined) return;
    const read = { messageId, peerId: peer.id, at: this.o.now() };
    this.store('store a read notice', (p) => p.recordRead(read));
    this.emit('message-read', read);
  }
}

function absenceText(me: OwnIdentity): string {
  if (me.status === 'online') return 'Not absence mode';
  return me.status === 'busy' ? 'Busy' : 'Away';
}
