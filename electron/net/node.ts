import { EventEmitter } from 'node:events';
import { formatEndpoint, isIPv4, parseEndpoint, type Endpoint } from '../../shared/address';
import type {
  DeliveryUpdate,
  PeerChange,
  PeerInfo,
  PeerStatus,
  ReceivedMessage,
  Transport,
} from '../../shared/domain';
import { emptyCounters, type NodeCounters } from '../../shared/domain';
import type { PacketLogEntry, SocketsSnapshot } from '../../shared/ipc';
import {
  MAX_DATAGRAM_BYTES,
  MAX_PEERS,
  MAX_TEXT_BYTES,
  PACKET_LOG_SIZE,
} from '../../shared/protocol/constants';
import { encodePacket } from '../../shared/protocol/codec';
import type { Packet } from '../../shared/protocol/packets';
import { Discovery } from './discovery';
import type { InterfaceAddress } from './interfaces';
import { resolveOptions, type NodeOptions, type ResolvedOptions } from './node-options';
import { PacketLog } from './packet-log';
import { PeerTable } from './peer-table';
import type { NodePersistence } from './persistence';
import { randomToken } from './reliable-sender';
import { bindClientSockets, bindServerSocket, closeUdp } from './sockets';
import { isStrangerId, splitUtf8, StrangerTable, type Stranger } from './strangers';
import { TextDelivery } from './text-delivery';
import { Timers } from './timers';
import { WarningGate } from './warning-gate';
import { Wire, type Inbound, type Via } from './wire';

export interface NodeInfo {
  readonly nodeId: string;
  readonly nick: string;
  readonly host: string;
  readonly status: PeerStatus;
  readonly serverPort: number;
  readonly clientPort: number;
  readonly tcpPort: number | null;
  readonly interfaces: readonly InterfaceAddress[];
  readonly discoveryTargets: readonly string[];
  readonly counters: Readonly<NodeCounters>;
}

export type WarningCode = 'junk' | 'rate-limited' | 'send-failed' | 'socket-error' | 'tcp';

export interface NodeWarning {
  readonly code: WarningCode;
  readonly message: string;
  readonly remote?: Endpoint;
  /** Warnings of this code from this source that were counted but not reported since the last. */
  readonly suppressed: number;
}

export interface NodeEvents {
  ready: [NodeInfo];
  peer: [PeerChange];
  stranger: [{ stranger: Stranger; added: boolean }];
  message: [ReceivedMessage];
  status: [DeliveryUpdate];
  warning: [NodeWarning];
  packet: [PacketLogEntry];
}

export type NodeErrorCode =
  'not-started' | 'closed' | 'unknown-peer' | 'empty' | 'too-long' | 'not-found';

export class NodeError extends Error {
  override readonly name = 'NodeError';
  constructor(
    readonly code: NodeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface SentText {
  readonly id: string;
  readonly to: string;
  readonly transport: Transport;
}

const EXPIRY_CHECKS_PER_TIMEOUT = 6;
const PROBE_INTERVAL_MS = 2_000;

/** One PacketChat node: the sockets, discovery, peers, strangers, reliable text and packet log. */
export class PacketChatNode extends EventEmitter<NodeEvents> {
  private readonly options: ResolvedOptions;
  private readonly persistence: NodePersistence | undefined;
  private readonly peers = new PeerTable(MAX_PEERS);
  private readonly strangers = new StrangerTable();
  private readonly counters = emptyCounters();
  private readonly log = new PacketLog(PACKET_LOG_SIZE);
  private readonly timers = new Timers();
  private readonly warnings = new WarningGate(1_000);
  private readonly lastProbe = new Map<string, number>();
  private readonly wire: Wire;
  private readonly discovery: Discovery;
  private readonly text: TextDelivery;
  private clientPort = 0;
  private tcpPort: number | null = null;
  private started = false;
  private starting: Promise<NodeInfo> | undefined;
  private closing: Promise<void> | undefined;
  private nick: string;
  private status: PeerStatus;

  constructor(options: NodeOptions = {}) {
    super();
    this.setMaxListeners(50);
    this.options = resolveOptions(options);
    this.persistence = options.persistence;
    this.nick = this.options.nick;
    this.status = this.options.status;
    this.wire = new Wire({
      counters: this.counters,
      log: this.log,
      now: this.options.now,
      rateLimit: this.options.rateLimit,
      ...(options.tcpTimeouts === undefined ? {} : { tcpTimeouts: options.tcpTimeouts }),
      onInbound: (inbound) => this.onInbound(inbound),
      onLogged: (entry) => this.emit('packet', entry),
      onWarning: (code, message, remote) => this.warn(code, message, remote),
    });
    this.discovery = new Discovery({
      options: this.options,
      timers: this.timers,
      send: (packet, to) => this.wire.sendPacket(packet, to),
      self: () => ({
        nick: this.nick,
        status: this.status,
        clientPort: this.clientPort,
        tcpPort: this.tcpPort,
      }),
    });
    this.text = new TextDelivery({
      options: this.options,
      counters: this.counters,
      wire: this.wire,
      peers: this.peers,
      timers: this.timers,
      persistence: this.persistence,
      ...(options.tcpAckTimeoutMs === undefined
        ? {}
        : { tcpAckTimeoutMs: options.tcpAckTimeoutMs }),
      message: (message) => this.emit('message', message),
      // Deferred a tick so a caller sees sendText() return before the first state arrives.
      status: (update) => queueMicrotask(() => this.emit('status', update)),
      warn: (message, remote) => this.warn('tcp', message, remote),
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
    this.text.restore();
    this.started = true;
    this.discovery.start();
    const expiryEvery = Math.max(50, Math.floor(o.peerTimeoutMs / EXPIRY_CHECKS_PER_TIMEOUT));
    this.timers.every(expiryEvery, () =>
      this.applyChanges(this.peers.expire(o.now(), o.peerTimeoutMs)),
    );
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
    this.text.close();
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
      serverPort: this.options.serverPort,
      clientPort: this.clientPort,
      tcpPort: this.tcpPort,
      interfaces: this.options.interfaces(),
      discoveryTargets: this.discovery.targets().map(formatEndpoint),
      counters: { ...this.counters },
    };
  }

  peerList(): PeerInfo[] {
    return this.peers.list();
  }

  strangerList(): Stranger[] {
    return this.strangers.list();
  }

  rttMs(peerId: string): number | undefined {
    return this.text.sender.rttMs(peerId);
  }

  /** The newest `limit` packet log entries, oldest first. */
  packets(limit?: number): PacketLogEntry[] {
    return this.log.recent(limit);
  }

  sockets(): SocketsSnapshot {
    return {
      sockets: this.wire.socketInfo(),
      interfaces: this.options.interfaces(),
      counters: { ...this.counters },
    };
  }

  /** Changes nickname and status and tells the LAN at once. */
  setProfile(profile: { nick?: string; status?: PeerStatus }): void {
    if (profile.nick !== undefined) this.nick = profile.nick;
    if (profile.status !== undefined) this.status = profile.status;
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
    if (byId !== undefined) return byId;
    const trimmed = to.trim();
    if (isIPv4(trimmed)) return this.peers.findByEndpoint({ address: trimmed });
    const endpoint = parseEndpoint(trimmed, this.options.serverPort);
    return endpoint === undefined ? undefined : this.peers.findByEndpoint(endpoint);
  }

  /**
   * Queues a text message to a peer (id, IP:PORT or IP) or a stranger (`stranger:IP:PORT`, or an
   * IP:PORT that is no peer). Delivery states follow as `status` events.
   */
  sendText(to: string, text: string): SentText {
    if (this.closing !== undefined) throw new NodeError('closed', 'node is closed');
    if (!this.started) throw new NodeError('not-started', 'node is not started');
    if (text.length === 0) throw new NodeError('empty', 'message is empty');
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > MAX_TEXT_BYTES) {
      throw new NodeError('too-long', `message is ${bytes} bytes, limit ${MAX_TEXT_BYTES}`);
    }
    const peer = this.findPeer(to);
    if (peer !== undefined) {
      const message = this.text.send(peer, text);
      return { id: message.id, to: peer.id, transport: message.transport };
    }
    const stranger = this.strangerFor(to);
    if (stranger === undefined) throw new NodeError('unknown-peer', `no such peer: ${to}`);
    return this.sendPlain(stranger, text);
  }

  /** Sends a pending message again now. */
  retry(messageId: string): void {
    if (!this.text.sender.retry(messageId)) {
      throw new NodeError('not-found', `no pending message ${messageId}`);
    }
  }

  private strangerFor(to: string): Stranger | undefined {
    const text = isStrangerId(to) ? to.slice('stranger:'.length) : to;
    const known = this.strangers.get(`stranger:${text}`);
    if (known !== undefined) return known;
    const endpoint = text.includes(':') ? parseEndpoint(text, this.options.serverPort) : undefined;
    if (endpoint === undefined) return undefined;
    return this.strangers.observe(endpoint, 'client', this.options.now()).stranger;
  }

  /** Plain UTF-8 datagrams, no acknowledgement: `delivered` means handed to the network. */
  private sendPlain(stranger: Stranger, text: string): SentText {
    const id = randomToken();
    const pieces = splitUtf8(text, MAX_DATAGRAM_BYTES);
    const encoder = new TextEncoder();
    void Promise.all(
      pieces.map((piece) =>
        this.wire.sendUdpAsync(
          encoder.encode(piece),
          stranger,
          { kind: 'plain', summary: piece.slice(0, 60), peerId: stranger.id },
          stranger.via,
          false,
        ),
      ),
    ).then((sent) => {
      const status = sent.every(Boolean) ? 'delivered' : 'failed';
      this.emit('status', { id, to: stranger.id, status, transport: 'udp', attempts: 1 });
    });
    queueMicrotask(() =>
      this.emit('status', {
        id,
        to: stranger.id,
        status: 'sending',
        transport: 'udp',
        attempts: 0,
      }),
    );
    return { id, to: stranger.id, transport: 'udp' };
  }

  private onInbound(inbound: Inbound): void {
    const now = this.options.now();
    if (inbound.type === 'plain') {
      this.receivePlain(inbound.text, inbound.from, inbound.via, now);
      return;
    }
    const { packet, from } = inbound;
    if (packet.from === this.id) return; // our own broadcast coming back
    switch (packet.kind) {
      case 'announce':
      case 'announce-reply':
        this.applyChanges(this.peers.observe(packet.from, from, now, detailsOf(packet)));
        if (packet.kind === 'announce') this.discovery.scheduleReply(packet.from, from);
        if (this.text.sender.hasPending(packet.from)) this.text.sender.resume(packet.from);
        return;
      case 'bye':
        this.applyChanges(this.peers.markOffline(packet.from));
        return;
      case 'text':
      case 'frag':
      case 'ack':
        this.touch(packet.from, from, inbound.transport, now);
        this.text.onPacket(packet, from, inbound.transport, inbound.reply);
        return;
    }
  }

  private receivePlain(text: string, from: Endpoint, via: Via, now: number): void {
    this.counters.plainReceived += 1;
    const seen = this.strangers.observe(from, via, now);
    if (seen.added) this.emit('stranger', seen);
    this.emit('message', {
      id: randomToken(),
      from: seen.stranger.id,
      nick: formatEndpoint(from),
      address: from.address,
      port: from.port,
      text: text.replace(/\r?\n$/, ''), // line-based tools (nc) end each datagram with a newline
      transport: 'udp',
      seq: 0,
      sentAt: now,
      receivedAt: now,
    });
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

  private applyChanges(changes: readonly PeerChange[]): void {
    for (const change of changes) {
      this.persistence?.savePeer(change.peer);
      if (change.change !== 'offline' && change.change !== 'updated')
        this.text.sender.resume(change.peer.id);
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

function detailsOf(packet: { nick: string; host: string; tcp: number; status: PeerStatus }) {
  return {
    nick: packet.nick,
    host: packet.host,
    tcpPort: packet.tcp === 0 ? null : packet.tcp,
    status: packet.status,
  };
}

export function createNode(options: NodeOptions = {}): PacketChatNode {
  return new PacketChatNode(options);
}
