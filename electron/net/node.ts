import type { Socket, RemoteInfo } from 'node:dgram';
import { EventEmitter } from 'node:events';
import type { Server } from 'node:net';
import { formatEndpoint, parseEndpoint, type Endpoint } from '../../shared/address';
import type {
  DeliveryUpdate,
  NodeCounters,
  PeerChange,
  PeerInfo,
  PeerStatus,
  ReceivedMessage,
} from '../../shared/domain';
import { emptyCounters } from '../../shared/domain';
import { decodePacket, encodePacket, encodingLength } from '../../shared/protocol/codec';
import { MAX_PEERS, MAX_RATE_LIMITED_SOURCES } from '../../shared/protocol/constants';
import type {
  AnnouncePacket,
  AnnounceReplyPacket,
  Packet,
  TextPacket,
} from '../../shared/protocol/packets';
import { InboundOrder } from './inbound-order';
import type { InterfaceAddress } from './interfaces';
import {
  discoveryTargets,
  resolveOptions,
  type NodeOptions,
  type ResolvedOptions,
} from './node-options';
import { PeerTable } from './peer-table';
import { RateLimiter } from './rate-limiter';
import { ReliableSender, type OutboundMessage } from './reliable-sender';
import { bindClientSockets, bindServerSocket, closeTcp, closeUdp } from './sockets';
import { WarningGate } from './warning-gate';

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

export type WarningCode =
  'junk' | 'rate-limited' | 'send-failed' | 'socket-error' | 'message-too-long';

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
  message: [ReceivedMessage];
  status: [DeliveryUpdate];
  warning: [NodeWarning];
}

export type NodeErrorCode = 'not-started' | 'closed' | 'unknown-peer' | 'empty' | 'too-long';

export class NodeError extends Error {
  override readonly name = 'NodeError';
  constructor(
    readonly code: NodeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

interface Running {
  readonly server: Socket;
  readonly client: Socket;
  readonly tcp: Server | undefined;
  readonly clientPort: number;
}

const EXPIRY_CHECKS_PER_TIMEOUT = 6;
const PROBE_INTERVAL_MS = 2_000;

/** One PacketChat node: the sockets, discovery, peer table and reliable text. */
export class PacketChatNode extends EventEmitter<NodeEvents> {
  private readonly options: ResolvedOptions;
  private readonly peers = new PeerTable(MAX_PEERS);
  private readonly inbound = new InboundOrder();
  private readonly sender: ReliableSender;
  private readonly limiter: RateLimiter;
  private readonly warnings = new WarningGate(1_000);
  private readonly counters = emptyCounters();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly pendingReplies = new Set<string>();
  private readonly lastProbe = new Map<string, number>();
  private readonly manualTargets: Endpoint[] = [];
  private running: Running | undefined;
  private starting: Promise<NodeInfo> | undefined;
  private closing: Promise<void> | undefined;
  private nick: string;
  private status: PeerStatus;

  constructor(options: NodeOptions = {}) {
    super();
    this.options = resolveOptions(options);
    this.nick = this.options.nick;
    this.status = this.options.status;
    this.limiter = new RateLimiter(
      this.options.rateLimit.perSecond,
      this.options.rateLimit.burst,
      MAX_RATE_LIMITED_SOURCES,
    );
    this.sender = new ReliableSender({
      transmit: (message, floor) => this.transmitText(message, floor),
      exhausted: () => Promise.resolve('failed'),
      status: (update) => this.emit('status', update),
      now: this.options.now,
      random: this.options.random,
      rto: this.options.rto,
      maxTransmissions: this.options.maxTransmissions,
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
    this.running = { server, client: client.udp, tcp: client.tcp, clientPort: client.port };
    for (const socket of [server, client.udp]) {
      socket.on('message', (bytes, rinfo) => this.onDatagram(bytes, rinfo));
      socket.on('error', (error) => this.warn('socket-error', `socket error: ${error.message}`));
    }
    client.tcp?.on('connection', (connection) => connection.destroy()); // TCP frames: next issue
    this.announceAll();
    this.scheduleAnnounce();
    this.every(Math.max(50, Math.floor(o.peerTimeoutMs / EXPIRY_CHECKS_PER_TIMEOUT)), () =>
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
    const running = this.running;
    this.sender.close();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (running === undefined) return;
    const bye = encodePacket({ kind: 'bye', from: this.id });
    const targets = [...this.targets(), ...this.peers.list().filter((p) => p.online)];
    await Promise.all(targets.map((t) => this.sendUdpAsync(bye, t, true)));
    this.running = undefined;
    await Promise.all([
      closeUdp(running.server),
      closeUdp(running.client),
      running.tcp === undefined ? Promise.resolve() : closeTcp(running.tcp),
    ]);
  }

  info(): NodeInfo {
    return {
      nodeId: this.id,
      nick: this.nick,
      host: this.options.host,
      status: this.status,
      serverPort: this.options.serverPort,
      clientPort: this.running?.clientPort ?? 0,
      tcpPort: this.running?.tcp === undefined ? null : this.running.clientPort,
      interfaces: this.options.interfaces(),
      discoveryTargets: this.targets().map(formatEndpoint),
      counters: { ...this.counters },
    };
  }

  peerList(): PeerInfo[] {
    return this.peers.list();
  }

  rttMs(peerId: string): number | undefined {
    return this.sender.rttMs(peerId);
  }

  /** Changes nickname and status and tells the LAN at once. */
  setProfile(profile: { nick?: string; status?: PeerStatus }): void {
    if (profile.nick !== undefined) this.nick = profile.nick;
    if (profile.status !== undefined) this.status = profile.status;
    if (this.running !== undefined) this.announceAll();
  }

  /** Adds a discovery target by hand (`IP` means the server port) and announces to it now. */
  addPeer(text: string): Endpoint {
    const endpoint = parseEndpoint(text, this.options.serverPort);
    if (endpoint === undefined) {
      throw new NodeError('unknown-peer', `not an address: ${text} (expected IP or IP:PORT)`);
    }
    if (!this.manualTargets.some((t) => formatEndpoint(t) === formatEndpoint(endpoint))) {
      this.manualTargets.push(endpoint);
    }
    if (this.running !== undefined) this.sendUdp(this.announcePacket('announce'), endpoint);
    return endpoint;
  }

  /** Resolves a peer id or the `IP:PORT` of a known peer. */
  findPeer(to: string): PeerInfo | undefined {
    const byId = this.peers.get(to);
    if (byId !== undefined) return byId;
    const endpoint = parseEndpoint(to, this.options.serverPort);
    return endpoint === undefined ? undefined : this.peers.findByEndpoint(endpoint);
  }

  /** Queues a text message; delivery states follow as `status` events. */
  sendText(to: string, text: string): { id: string; to: string } {
    if (this.closing !== undefined) throw new NodeError('closed', 'node is closed');
    if (this.running === undefined) throw new NodeError('not-started', 'node is not started');
    const peer = this.findPeer(to);
    if (peer === undefined) throw new NodeError('unknown-peer', `no such peer: ${to}`);
    if (text.length === 0) throw new NodeError('empty', 'message is empty');
    const probe: TextPacket = {
      kind: 'text',
      from: this.id,
      id: 'x'.repeat(12),
      epoch: 'x'.repeat(8),
      seq: Number.MAX_SAFE_INTEGER,
      floor: Number.MAX_SAFE_INTEGER,
      ts: this.options.now(),
      text,
    };
    if (encodingLength(probe) > 1200) {
      throw new NodeError('too-long', 'message does not fit one datagram');
    }
    this.counters.messagesSent += 1;
    const message = this.sender.send(peer.id, text, this.options.now());
    return { id: message.id, to: peer.id };
  }

  private transmitText(message: OutboundMessage, floor: number): void {
    const peer = this.peers.get(message.to);
    if (peer === undefined) return;
    if (message.attempts > 1) this.counters.retransmitted += 1;
    const packet: TextPacket = {
      kind: 'text',
      from: this.id,
      id: message.id,
      epoch: message.epoch,
      seq: message.seq,
      floor,
      ts: message.ts,
      text: message.text,
    };
    this.sendUdp(encodePacket(packet), peer);
  }

  private onDatagram(bytes: Buffer, rinfo: RemoteInfo): void {
    try {
      this.handleDatagram(bytes, { address: rinfo.address, port: rinfo.port });
    } catch (error) {
      // A bug must not let a remote datagram take the node down; report it and carry on.
      this.warn('junk', `internal error on datagram: ${String(error)}`, rinfo);
    }
  }

  private handleDatagram(bytes: Buffer, from: Endpoint): void {
    const now = this.options.now();
    if (!this.limiter.take(formatEndpoint(from), now)) {
      this.counters.rateLimited += 1;
      this.warn('rate-limited', 'datagrams over the per-source rate were dropped', from);
      return;
    }
    this.counters.datagramsReceived += 1;
    this.counters.bytesReceived += bytes.byteLength;
    const result = decodePacket(bytes);
    if (!result.ok) {
      if (result.error.code === 'unknown-kind') {
        this.counters.unknownKindsIgnored += 1;
        return;
      }
      this.counters.junkDropped += 1;
      this.warn('junk', `dropped datagram: ${result.error.message}`, from);
      return;
    }
    if (result.packet.from === this.id) return; // our own broadcast coming back
    this.handlePacket(result.packet, from, now);
  }

  private handlePacket(packet: Packet, from: Endpoint, now: number): void {
    switch (packet.kind) {
      case 'announce':
      case 'announce-reply':
        this.applyChanges(this.peers.observe(packet.from, from, now, detailsOf(packet)));
        if (packet.kind === 'announce') this.scheduleReply(packet.from, from);
        return;
      case 'bye':
        this.applyChanges(this.peers.markOffline(packet.from));
        return;
      case 'text':
        this.touch(packet.from, from, now);
        this.receiveText(packet, from, now);
        return;
      case 'ack':
        this.touch(packet.from, from, now);
        this.sender.acknowledge(packet);
        return;
    }
  }

  private receiveText(packet: TextPacket, from: Endpoint, now: number): void {
    const verdict = this.inbound.accept(packet);
    if (verdict.duplicate) this.counters.duplicatesDropped += 1;
    if (verdict.ack) {
      const { id, epoch, seq } = packet;
      this.sendUdp(encodePacket({ kind: 'ack', from: this.id, id, epoch, seq }), from);
    }
    const peer = this.peers.get(packet.from);
    for (const message of verdict.deliver) {
      this.counters.messagesReceived += 1;
      this.emit('message', {
        id: message.id,
        from: message.from,
        nick: peer?.nick ?? '',
        address: peer?.address ?? from.address,
        port: peer?.port ?? from.port,
        text: message.text,
        transport: 'udp',
        seq: message.seq,
        sentAt: message.ts,
        receivedAt: now,
      });
    }
  }

  /** Any valid packet proves the peer is there; an unknown sender is asked who it is. */
  private touch(id: string, from: Endpoint, now: number): void {
    const known = this.peers.get(id) !== undefined;
    this.applyChanges(this.peers.observe(id, from, now));
    if (!known && now - (this.lastProbe.get(id) ?? -Infinity) >= PROBE_INTERVAL_MS) {
      this.lastProbe.set(id, now);
      this.sendUdp(this.announcePacket('announce'), from);
    }
  }

  private applyChanges(changes: readonly PeerChange[]): void {
    for (const change of changes) {
      if (change.change === 'added' || change.change === 'online')
        this.sender.resume(change.peer.id);
      this.emit('peer', change);
    }
  }

  private scheduleReply(peerId: string, to: Endpoint): void {
    if (this.pendingReplies.has(peerId)) return;
    this.pendingReplies.add(peerId);
    this.after(this.options.random() * this.options.replyMaxDelayMs, () => {
      this.pendingReplies.delete(peerId);
      this.sendUdp(this.announcePacket('announce-reply'), to);
    });
  }

  private announcePacket(kind: 'announce' | 'announce-reply'): Uint8Array {
    const packet: AnnouncePacket | AnnounceReplyPacket = {
      kind,
      from: this.id,
      nick: this.nick,
      host: this.options.host,
      port: this.running?.clientPort ?? 0,
      tcp: this.running?.tcp === undefined ? 0 : this.running.clientPort,
      status: this.status,
    };
    return encodePacket(packet);
  }

  private targets(): Endpoint[] {
    return discoveryTargets(this.options, this.manualTargets);
  }

  private announceAll(): void {
    const announce = this.announcePacket('announce');
    for (const target of this.targets()) this.sendUdp(announce, target);
  }

  private scheduleAnnounce(): void {
    const interval = this.options.announceIntervalMs * (0.9 + 0.2 * this.options.random());
    this.after(interval, () => {
      this.announceAll();
      this.scheduleAnnounce();
    });
  }

  /** Sends from the client socket; errors become warnings (counted, never thrown). */
  private sendUdp(bytes: Uint8Array, to: Endpoint): void {
    void this.sendUdpAsync(bytes, to, false);
  }

  /** Like sendUdp, resolving once the datagram has left (or failed to). Never rejects. */
  private sendUdpAsync(bytes: Uint8Array, to: Endpoint, quiet: boolean): Promise<void> {
    const running = this.running;
    if (running === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      try {
        running.client.send(bytes, to.port, to.address, (error) => {
          if (error) {
            this.counters.sendErrors += 1;
            if (!quiet)
              this.warn('send-failed', `send to ${formatEndpoint(to)}: ${error.message}`, to);
          } else {
            this.counters.datagramsSent += 1;
            this.counters.bytesSent += bytes.byteLength;
          }
          resolve();
        });
      } catch (error) {
        this.counters.sendErrors += 1; // socket closed under us during shutdown
        if (!quiet) this.warn('send-failed', `send to ${formatEndpoint(to)}: ${String(error)}`, to);
        resolve();
      }
    });
  }

  private warn(code: WarningCode, message: string, remote?: Endpoint): void {
    const key = `${code} ${remote === undefined ? '' : formatEndpoint(remote)}`;
    const suppressed = this.warnings.pass(key, this.options.now());
    if (suppressed < 0) return;
    const where =
      remote === undefined ? {} : { remote: { address: remote.address, port: remote.port } };
    this.emit('warning', { code, message, suppressed, ...where });
  }

  private after(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private every(ms: number, fn: () => void): void {
    const timer = setInterval(fn, ms);
    this.timers.add(timer);
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
