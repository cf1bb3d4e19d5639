import { EventEmitter } from 'node:events';
import { formatEndpoint, isIPv4, parseEndpoint, type Endpoint } from '../../shared/address';
import type {
  ChatMessage,
  MessageReply,
  PacketLogEntry,
  PeerChange,
  PeerInfo,
  PeerStatus,
  SocketsSnapshot,
  Transport,
} from '../../shared/domain';
import { emptyCounters } from '../../shared/domain';
import {
  MAX_PEERS,
  MAX_TEXT_BYTES,
  NOT_RESPONDING_AFTER_MS,
  PACKET_LOG_SIZE,
  TYPING_INTERVAL_MS,
} from '../../shared/protocol/constants';
import { encodePacket } from '../../shared/protocol/codec';
import type { AnnouncePacket, AnnounceReplyPacket, Packet } from '../../shared/protocol/packets';
import { Discovery } from './discovery';
import { resolveOptions, type NodeOptions, type ResolvedOptions } from './node-options';
import { PacketLog, type LoggedPayload } from './packet-log';
import { PeerTable, type PeerDetails } from './peer-table';
import { PlainText } from './plain-text';
import { Responsiveness } from './responsiveness';
import { bindClientSockets, bindServerSocket, closeUdp } from './sockets';
import { StorageGuard } from './storage-guard';
import { TextReceiver } from './text-receiver';
import { TextSender } from './text-sender';
import { Timers } from './timers';
import { TypingGate } from './typing-gate';
import {
  NodeError,
  type NodeEvents,
  type NodeInfo,
  type Stranger,
  type WarningCode,
} from './types';
import { WarningGate } from './warning-gate';
import { Wire, type Inbound } from './wire';

const EXPIRY_CHECKS_PER_TIMEOUT = 6;
const PROBE_INTERVAL_MS = 2_000;
const RESPONSIVENESS_CHECK_MS = 250;

/** One PacketChat node: the sockets, discovery, peers, strangers, reliable text and packet log. */
export class PacketChatNode extends EventEmitter<NodeEvents> {
  private readonly options: ResolvedOptions;
  private readonly persistence: NodeOptions['persistence'];
  private readonly peers = new PeerTable(MAX_PEERS);
  private readonly counters = emptyCounters();
  private readonly log = new PacketLog(PACKET_LOG_SIZE);
  private readonly timers = new Timers();
  private readonly warnings = new WarningGate(1_000);
  private readonly lastProbe = new Map<string, number>();
  private readonly responsiveness = new Responsiveness(NOT_RESPONDING_AFTER_MS);
  private readonly typingGate = new TypingGate(TYPING_INTERVAL_MS);
  private readonly wire: Wire;
  private readonly discovery: Discovery;
  private readonly outgoing: TextSender;
  private readonly incoming: TextReceiver;
  private readonly plain: PlainText;
  private readonly storage: StorageGuard;
  private clientPort = 0;
  private tcpPort: number | null = null;
  private started = false;
  private starting: Promise<NodeInfo> | undefined;
  private closing: Promise<void> | undefined;
  private nick: string;
  private status: PeerStatus;
  private statusText: string;
  private avatarHue: number | undefined;

  constructor(options: NodeOptions = {}) {
    super();
    this.setMaxListeners(50);
    const o = resolveOptions(options);
    this.options = o;
    this.persistence = options.persistence;
    this.nick = o.nick;
    this.status = o.status;
    this.statusText = options.statusText ?? '';
    this.avatarHue = options.avatarHue;
    this.wire = new Wire({
      counters: this.counters,
      log: this.log,
      now: o.now,
      rateLimit: o.rateLimit,
      ...(options.tcpTimeouts === undefined ? {} : { tcpTimeouts: options.tcpTimeouts }),
      onInbound: (inbound) => this.onInbound(inbound),
      onLogged: (entry) => this.emit('packet', entry),
      onWarning: (code, message, remote) => this.warn(code, message, remote),
    });
    this.discovery = new Discovery({
      options: o,
      timers: this.timers,
      send: (packet, to) => this.wire.sendPacket(packet, to),
      self: () => ({
        nick: this.nick,
        status: this.status,
        statusText: this.statusText,
        avatarHue: this.avatarHue,
        clientPort: this.clientPort,
        tcpPort: this.tcpPort,
      }),
    });
    const storage = new StorageGuard((health) => this.emit('storage', health));
    this.storage = storage;
    const shared = {
      counters: this.counters,
      wire: this.wire,
      persistence: this.persistence,
      storage,
    };
    const received = (message: ChatMessage): void => void this.emit('message', message);
    this.outgoing = new TextSender({
      ...shared,
      options: o,
      peers: this.peers,
      timers: this.timers,
      ...(options.tcpAckTimeoutMs === undefined
        ? {}
        : { tcpAckTimeoutMs: options.tcpAckTimeoutMs }),
      stateChanged: (change) => this.emit('message-state', change),
      warn: (message, remote) => this.warn('tcp', message, remote),
      transmitted: (peerId) => this.responsiveness.expect(peerId, o.now()),
    });
    this.incoming = new TextReceiver({
      ...shared,
      nodeId: o.nodeId,
      now: o.now,
      received,
      warn: (message, remote) => this.warn('junk', message, remote),
    });
    this.plain = new PlainText({
      ...shared,
      now: o.now,
      serverPort: o.serverPort,
      received,
      stranger: (seen) => this.emit('stranger', seen),
      stateChanged: (change) => this.emit('message-state', change),
    });
  }

  get id(): string {
    return this.options.nodeId;
  }

  /** Binds the sockets and starts discovery. Bind errors reject; calling twice is harmless. */
  start(): Promise<NodeInfo> {
    this.starting ??= this.bindAndAnnounce();
    return this.starting;
  }

  private async bindAndAnnounce(): Promise<NodeInfo> {
    if (this.closing !== undefined) throw new NodeError('closed', 'node is closed');
    const o = this.options;
    const server = await bindServerSocket(o.serverPort, o.bindAddress);
    let client: Awaited<ReturnType<typeof bindClientSockets>>;
    try {
      client = await bindClientSockets(o.clientPort, o.bindAddress, o.tcp, o.clientPortAttempts);
    } catch (error) {
      await closeUdp(server);
      throw error;
    }
    this.clientPort = client.port;
    this.tcpPort = client.tcp === undefined ? null : client.port;
    this.wire.attach({ server, client: client.udp, tcp: client.tcp, clientPort: client.port });
    this.peers.restore(this.persistence?.loadPeers() ?? []);
    this.outgoing.restore();
    this.incoming.restore();
    this.started = true;
    this.discovery.start();
    const expiryEvery = Math.max(50, Math.floor(o.peerTimeoutMs / EXPIRY_CHECKS_PER_TIMEOUT));
    this.timers.every(expiryEvery, () =>
      this.applyChanges(this.peers.expire(o.now(), o.peerTimeoutMs)),
    );
    this.timers.every(RESPONSIVENESS_CHECK_MS, () => {
      for (const id of this.responsiveness.check(o.now())) this.reportResponding(id);
    });
    const info = this.info();
    this.emit('ready', info);
    return info;
  }

  /** Says bye, stops every timer and frees every port. Safe to call any number of times. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    await this.starting?.catch(() => undefined);
    this.outgoing.close();
    this.timers.clear();
    const bye: Packet = { kind: 'bye', from: this.id };
    const targets = [...this.discovery.targets(), ...this.peers.list().filter((p) => p.online)];
    await this.wire.close(async () => {
      if (!this.started) return;
      const bytes = encodePacket(bye);
      await Promise.all(
        targets.map((t) => this.wire.sendUdpAsync(bytes, t, { packet: bye }, 'client', true)),
      );
    });
    this.started = false;
  }

  info(): NodeInfo {
    return {
      nodeId: this.id,
      nick: this.nick,
      host: this.options.host,
      status: this.status,
      statusText: this.statusText,
      ...(this.avatarHue === undefined ? {} : { avatarHue: this.avatarHue }),
      serverPort: this.options.serverPort,
      clientPort: this.clientPort,
      tcpPort: this.tcpPort,
      interfaces: this.options.interfaces(),
      discoveryTargets: this.discovery.targets().map(formatEndpoint),
      counters: { ...this.counters },
    };
  }

  /** Peers heard from this run or loaded from storage (bounded by MAX_PEERS). */
  peerList(): PeerInfo[] {
    return this.peers.list().map((peer) => this.responsiveness.apply(peer));
  }

  strangerList(): Stranger[] {
    return this.plain.list();
  }

  rttMs(peerId: string): number | undefined {
    return this.outgoing.rttMs(peerId);
  }

  /** The newest `limit` packet log entries, oldest first. */
  packets(limit?: number): PacketLogEntry[] {
    return this.log.recent(limit);
  }

  /** The bytes of a logged datagram or frame (the inspector's payload view), while kept. */
  payload(seq: number): LoggedPayload | undefined {
    return this.log.payload(seq);
  }

  sockets(): SocketsSnapshot {
    return {
      sockets: this.wire.socketInfo(),
      interfaces: this.options.interfaces(),
      counters: { ...this.counters },
    };
  }

  /** Changes nickname, status, status text or avatar colour and tells the LAN at once. */
  setProfile(profile: {
    nick?: string;
    status?: PeerStatus;
    statusText?: string;
    /** null: back to the colour generated from the node id. */
    avatarHue?: number | null;
  }): void {
    if (profile.nick !== undefined) this.nick = profile.nick;
    if (profile.status !== undefined) this.status = profile.status;
    if (profile.statusText !== undefined) this.statusText = profile.statusText;
    if (profile.avatarHue !== undefined) this.avatarHue = profile.avatarHue ?? undefined;
    if (this.started) this.discovery.announceAll();
  }

  /** Adds a discovery target by hand (`IP` means the server port) and announces to it now. */
  addPeer(text: string): Endpoint {
    const endpoint = this.discovery.add(text);
    if (endpoint === undefined) {
      throw new NodeError('unknown-peer', `not an address: ${text} (expected IP or IP:PORT)`);
    }
    if (this.started) this.discovery.announceTo(endpoint);
    return endpoint;
  }

  /** A peer by id, by `IP:PORT`, or by bare `IP` (the online one heard from last). */
  findPeer(to: string): PeerInfo | undefined {
    const byId = this.peers.get(to);
    if (byId !== undefined) return this.responsiveness.apply(byId);
    const trimmed = to.trim();
    if (isIPv4(trimmed)) return this.peers.findByEndpoint({ address: trimmed });
    const endpoint = parseEndpoint(trimmed, this.options.serverPort);
    return endpoint === undefined ? undefined : this.peers.findByEndpoint(endpoint);
  }

  /**
   * Stores and queues a text message to a peer (id, IP:PORT or IP) or a stranger
   * (`stranger:IP:PORT`, or an IP:PORT that is no peer). Returns the message in state `sending`;
   * later states follow as `message-state` events. A reply names the message it answers (plain
   * text to a stranger has no room for it).
   */
  sendText(to: string, text: string, reply?: MessageReply): ChatMessage {
    if (this.closing !== undefined) throw new NodeError('closed', 'node is closed');
    if (!this.started) throw new NodeError('not-started', 'node is not started');
    if (text.length === 0) throw new NodeError('empty', 'message is empty');
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > MAX_TEXT_BYTES) {
      throw new NodeError('too-long', `message is ${bytes} bytes, limit ${MAX_TEXT_BYTES}`);
    }
    const peer = this.findPeer(to);
    if (peer !== undefined) return this.outgoing.send(peer, text, reply);
    const stranger = this.plain.resolve(to);
    if (stranger === undefined) throw new NodeError('unknown-peer', `no such peer: ${to}`);
    return this.plain.send(stranger, text);
  }

  /**
   * Stops sending a message that is not delivered yet (sending or pending): it ends `cancelled`,
   * the stream's floor moves past it, and it is never sent again.
   */
  cancel(messageId: string): void {
    if (!this.outgoing.cancel(messageId)) {
      throw new NodeError('not-found', `no undelivered message ${messageId}`);
    }
  }

  /**
   * Tells an online peer that we are typing to it: one unreliable `typing` packet, at most one
   * per TYPING_INTERVAL_MS per peer. True when a packet went out.
   */
  sendTyping(to: string): boolean {
    if (!this.started || this.closing !== undefined) return false;
    const peer = this.findPeer(to);
    if (peer?.online !== true || !this.typingGate.pass(peer.id, this.options.now())) return false;
    this.wire.sendPacket({ kind: 'typing', from: this.id }, peer, peer.id);
    return true;
  }

  /** Sends a pending message again now. */
  retry(messageId: string): void {
    if (!this.outgoing.retry(messageId)) {
      throw new NodeError('not-found', `no pending message ${messageId}`);
    }
  }

  private onInbound(inbound: Inbound): void {
    if (inbound.type === 'plain') {
      this.plain.receive(inbound.text, inbound.from, inbound.via);
      return;
    }
    const { packet, from, transport } = inbound;
    if (packet.from === this.id) return; // our own broadcast coming back
    const now = this.options.now();
    if (this.responsiveness.heard(packet.from)) this.reportResponding(packet.from);
    switch (packet.kind) {
      case 'announce':
      case 'announce-reply':
        this.applyChanges(this.peers.observe(packet.from, from, now, detailsOf(packet)));
        if (packet.kind === 'announce') this.discovery.scheduleReply(packet.from, from);
        if (this.outgoing.hasPending(packet.from)) this.outgoing.resume(packet.from);
        return;
      case 'bye':
        this.applyChanges(this.peers.markOffline(packet.from));
        return;
      case 'text':
        this.touch(packet.from, from, transport, now);
        this.incoming.receive(packet, from, transport, inbound.reply);
        return;
      case 'frag':
        this.touch(packet.from, from, transport, now);
        this.incoming.receiveFragment(packet, from);
        return;
      case 'ack':
        this.touch(packet.from, from, transport, now);
        this.outgoing.acknowledge(packet);
        return;
      case 'typing':
        this.touch(packet.from, from, transport, now);
        if (this.peers.get(packet.from) !== undefined) this.emit('typing', { peerId: packet.from });
        return;
    }
  }

  /**
   * Any valid packet proves the peer is there. Over UDP its source is its address; a TCP
   * connection comes from an ephemeral port, so it only refreshes a known peer. An unknown
   * sender is asked who it is.
   */
  private touch(id: string, from: Endpoint, transport: Transport, now: number): void {
    const known = this.peers.get(id);
    if (transport === 'tcp') {
      if (known !== undefined)
        this.applyChanges(this.peers.observe(id, { address: from.address, port: known.port }, now));
      return;
    }
    this.applyChanges(this.peers.observe(id, from, now));
    if (known === undefined && now - (this.lastProbe.get(id) ?? -Infinity) >= PROBE_INTERVAL_MS) {
      this.lastProbe.set(id, now);
      if (this.lastProbe.size > MAX_PEERS) this.lastProbe.clear();
      this.discovery.announceTo(from);
    }
  }

  /** The peer's "not responding" mark changed: an `updated` change, not stored (it is live state). */
  private reportResponding(id: string): void {
    const peer = this.peers.get(id);
    if (peer?.online === true)
      this.emit('peer', { change: 'updated', peer: this.responsiveness.apply(peer) });
  }

  private applyChanges(changes: readonly PeerChange[]): void {
    for (const raw of changes) {
      if (raw.change === 'offline') this.responsiveness.forget(raw.peer.id);
      const change = { ...raw, peer: this.responsiveness.apply(raw.peer) };
      const store = this.persistence;
      if (store !== undefined) this.storage.run('store a peer', () => store.savePeer(change.peer));
      if (change.change === 'offline') this.outgoing.park(change.peer.id);
      else if (change.change !== 'updated') this.outgoing.resume(change.peer.id);
      this.emit('peer', change);
    }
  }

  private warn(code: WarningCode, message: string, remote?: Endpoint): void {
    const key = `${code} ${remote === undefined ? '' : formatEndpoint(remote)}`;
    const suppressed = this.warnings.pass(key, this.options.now());
    if (suppressed < 0) return;
    const where =
      remote === undefined ? {} : { remote: { address: remote.address, port: remote.port } };
    this.emit('warning', { code, message, suppressed, ...where });
  }
}

function detailsOf(packet: AnnouncePacket | AnnounceReplyPacket): PeerDetails {
  return {
    nick: packet.nick,
    host: packet.host,
    tcpPort: packet.tcp === 0 ? null : packet.tcp,
    status: packet.status,
    statusText: packet.statusText,
    avatarHue: packet.hue,
  };
}

export function createNode(options: NodeOptions = {}): PacketChatNode {
  return new PacketChatNode(options);
}
