import { EventEmitter } from 'node:events';
import { formatEndpoint, isIPv4, parseEndpoint, type Endpoint } from '../../shared/address';
import type {
  ChatMessage,
  GroupInfo,
  MemberDelivery,
  DirectoryEntry,
  MessageReply,
  NodeCounters,
  PacketLogEntry,
  PeerChange,
  PeerInfo,
  PeerStatus,
  RelayStatus,
  SocketsSnapshot,
  Transport,
} from '../../shared/domain';
import { describePath, emptyCounters } from '../../shared/domain';
import { BUNDLE_START, decodeBundle, encodePacket } from '../../shared/protocol/codec';
import {
  MAX_BUNDLE_PACKETS,
  MAX_INNER_DATAGRAM_BYTES,
  MAX_INNER_FRAME_BYTES,
  MAX_PEERS,
  MAX_TEXT_BYTES,
  NOT_RESPONDING_AFTER_MS,
  PACKET_LOG_SIZE,
  TYPING_INTERVAL_MS,
} from '../../shared/protocol/constants';
import { groupIdOf } from '../../shared/protocol/groups';
import {
  decodeRecordPacket,
  encodeTextBody,
  TEXT_BODY_FEATURE,
} from '../../shared/protocol/text-body';
import type {
  AnnouncePacket,
  HandshakePayload,
  Packet,
  TextPacket,
} from '../../shared/protocol/packets';
import { defaultCryptoProvider } from './crypto/default-provider';
import { fromHex, toHex } from './crypto/bytes';
import { fingerprintOf, generateIdentity, nodeIdOf } from './crypto/identity';
import { safetyNumberOf, safetyQrPayload } from './crypto/safety-number';
import type { CryptoProvider, KeyPair } from './crypto/primitives';
import type { ControlConsumer } from './control-inbox';
import { Bundler } from './bundler';
import { Discovery } from './discovery';
import { MemoryGroupArchive } from './groups/group-archive';
import { GroupCrypto } from './groups/group-crypto';
import type { ChangeRequest } from './groups/group-rules';
import { DEFAULT_GROUP_WAITS, Groups } from './groups/groups';
import { Lanes } from './lanes';
import type { ControlTag } from './persistence';
import { resolveOptions, type NodeOptions, type ResolvedOptions } from './node-options';
import { PacketLog, type LoggedPayload } from './packet-log';
import type { PeerLink } from './peer-link';
import { PeerTable, type PeerDetails } from './peer-table';
import { PlainText } from './plain-text';
import { Relay } from './relay/relay';
import { RELAY_LANE_MARKER, RelayLanes } from './relay/relay-lanes';
import { RelayPresence } from './relay/relay-presence';
import { describeRoute, isRelayRoute, type RelayRoute } from './relay/route';
import { Responsiveness } from './responsiveness';
import { SecureChannel, type Established, type Opened, type Rejection } from './secure-channel';
import { bindClientSockets, bindServerSocket, closeUdp } from './sockets';
import { StorageGuard } from './storage-guard';
import { TextReceiver } from './text-receiver';
import { TextSender } from './text-sender';
import { Timers, WhileBusy } from './timers';
import { TypingGate } from './typing-gate';
import {
  NodeError,
  type NodeEvents,
  type NodeInfo,
  type Stranger,
  type WarningCode,
} from './types';
import { WarningGate } from './warning-gate';
import { Wire, type Inbound, type SendMeta } from './wire';

const EXPIRY_CHECKS_PER_TIMEOUT = 6;
/** How long a TCP send waits for a handshake it started (UDP may be blocked). */
const TCP_HANDSHAKE_WAIT_MS = 2_000;
const SEALED_KINDS: ReadonlySet<Packet['kind']> = new Set([
  'hello',
  'bye',
  'text',
  'frag',
  'ack',
  'acks',
  'group-sync',
  'group-want',
  'typing',
  'lane',
]);
/** Handshake messages are a few hundred bytes (docs/PROTOCOL.md); more is not one. */
const MAX_HANDSHAKE_FRAME_BYTES = 1_024;
const RESPONSIVENESS_CHECK_MS = 250;
/** How long a new peer's own handshake with us is waited for before we start ours (answerAnnounce). */
const ANSWER_WAIT_MS = 1_000;
/** The optional protocol feature this node offers in its handshake (docs/PROTOCOL.md, "Bundles"). */
const BUNDLE_FEATURE = 'bundle';
/** Bundles whose packets leave out `proto`, `v` and `from` (docs/PROTOCOL.md, "Compact bundles"). */
const COMPACT_FEATURE = 'compact';

/** One PacketChat node: sockets, discovery, authenticated sessions, peers, strangers, text, log. */
export class PacketChatNode extends EventEmitter<NodeEvents> {
  private readonly options: ResolvedOptions;
  private readonly persistence: NodeOptions['persistence'];
  private readonly provider: CryptoProvider;
  private readonly identity: KeyPair;
  private readonly signing: KeyPair;
  private readonly aliases: readonly string[];
  private readonly peers = new PeerTable(MAX_PEERS);
  private readonly counters = emptyCounters();
  private readonly log = new PacketLog(PACKET_LOG_SIZE);
  private readonly timers = new Timers();
  private readonly warnings = new WarningGate(1_000);
  private readonly responsiveness = new Responsiveness(NOT_RESPONDING_AFTER_MS);
  /** Runs while a transmission waits for an answer: an idle node has no check to run. */
  private readonly responsivenessCheck = new WhileBusy(
    RESPONSIVENESS_CHECK_MS,
    () => {
      for (const id of this.responsiveness.check(this.options.now())) this.reportResponding(id);
    },
    () => this.responsiveness.hasWaiting(),
  );
  private readonly typingGate = new TypingGate(TYPING_INTERVAL_MS);
  private readonly wire: Wire;
  private readonly secure: SecureChannel;
  private readonly discovery: Discovery;
  private readonly outgoing: TextSender;
  private readonly incoming: TextReceiver;
  private readonly plain: PlainText;
  private readonly groups: Groups;
  private readonly relay: Relay;
  private readonly relayPresence: RelayPresence;
  private readonly storage: StorageGuard;
  /** File data lanes: the file engine's DataChannel over this node's sessions. */
  readonly lanes: Lanes;
  /** File data lanes through the relay, for peers with no direct path (lanes.ts uses them). */
  private readonly relayLanes: RelayLanes;
  private readonly waiting = new Map<string, Set<() => void>>();
  /** Packets to peers that take bundles, sealed together at the end of each turn. */
  private readonly bundler: Bundler;
  /** Peers whose last handshake listed the `bundle` feature. */
  private readonly bundling = new Set<string>();
  /** Of those, the ones whose handshake listed `compact` too (sent compact bundles). */
  private readonly compacting = new Set<string>();
  /** Peers whose last handshake listed `text-body` (sent long texts in the body form). */
  private readonly textBodies = new Set<string>();
  /** While a bundle is dispatched: its sender, already touched once for the whole record. */
  private touchedByBundle: string | undefined;
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
    this.provider = options.crypto ?? defaultCryptoProvider().provider;
    this.identity = options.identity ?? generateIdentity(this.provider);
    this.signing = options.signing ?? this.provider.generateSigningKeyPair();
    this.aliases = options.aliases ?? [];
    const o = resolveOptions(options, nodeIdOf(this.identity.publicKey, this.provider));
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
      sessionRateLimit: o.sessionRateLimit,
      ...(options.tcpTimeouts === undefined ? {} : { tcpTimeouts: options.tcpTimeouts }),
      screenFrame: (start, length) => this.screenFrame(start, length),
      sessionBudget: (bytes, fromAddress) => {
        if (bytes[0] !== 0xfb || bytes.byteLength < 5) return undefined;
        const address = this.secure.addressOfIndex(bytes.readUInt32BE(1));
        return address === fromAddress ? address : undefined;
      },
      onInbound: (inbound) => this.onInbound(inbound),
      onLogged: (entry) => this.emit('packet', entry),
      logWatched: () => this.listenerCount('packet') > 0,
      onWarning: (code, message, remote) => this.warn(code, message, remote),
    });
    this.secure = new SecureChannel({
      provider: this.provider,
      identity: this.identity,
      nodeId: o.nodeId,
      now: o.now,
      counters: this.counters,
      ...(options.transportLimits === undefined ? {} : { limits: options.transportLimits }),
      profile: () => this.profile(),
      send: (bytes, to, transport, header) => this.sendHandshake(bytes, to, transport, header),
      established: (event) => this.onEstablished(event),
      opened: (event) => this.onOpened(event),
      rejected: (reason, from, detail) => this.onRejected(reason, from, detail),
    });
    this.bundler = new Bundler({
      nodeId: o.nodeId,
      maxInner: MAX_INNER_DATAGRAM_BYTES,
      seal: (peerId, inner) => this.secure.seal(peerId, inner),
      send: (record, to, meta) => this.wire.sendUdp(record, to, meta),
      noSession: (peerId, to) => this.secure.initiate(to, 'udp', peerId),
      failed: (peerId, error) =>
        this.warn('send-failed', `could not send a bundle to ${peerId}: ${String(error)}`),
      compact: (peerId) => this.compacting.has(peerId),
    });
    this.discovery = new Discovery({
      options: o,
      timers: this.timers,
      send: (packet, to) => this.wire.sendPacket(packet, to),
      self: () => ({ clientPort: this.clientPort, tcpPort: this.tcpPort }),
    });
    this.relay = this.createRelay(options);
    this.relayPresence = new RelayPresence({
      relay: this.relay,
      peers: this.peers,
      lanFreshMs: o.peerTimeoutMs,
      hasSession: (peerId) => this.secure.hasSession(peerId),
      initiate: (route, peerId) => this.secure.initiate(route, 'relay', peerId),
      applyChanges: (changes) => this.applyChanges(changes),
    });
    this.storage = new StorageGuard((health) => this.emit('storage', health));
    const link = this.link;
    const shared = {
      counters: this.counters,
      persistence: this.persistence,
      storage: this.storage,
    };
    const received = (message: ChatMessage): void => void this.emit('message', message);
    this.outgoing = new TextSender({
      ...shared,
      link,
      options: o,
      peers: this.peers,
      timers: this.timers,
      ...(options.tcpAckTimeoutMs === undefined
        ? {}
        : { tcpAckTimeoutMs: options.tcpAckTimeoutMs }),
      stateChanged: (change) => this.emit('message-state', change),
      carriedState: (change) => this.groups.onDeliveryState(change),
      controlState: (change, control) => this.emit('control-state', { change, control }),
      warn: (message, remote) => this.warn('tcp', message, remote),
      transmitted: (peerId) => {
        this.responsiveness.expect(peerId, o.now());
        this.responsivenessCheck.arm();
      },
    });
    this.incoming = new TextReceiver({
      ...shared,
      link,
      nodeId: o.nodeId,
      now: o.now,
      received,
      carried: (packet, arrival) => this.groups.prepare(packet, packet.from, arrival),
      warn: (message, remote) => this.warn('junk', message, remote),
    });
    this.groups = new Groups({
      nodeId: o.nodeId,
      crypto: new GroupCrypto(this.provider, this.signing),
      archive: this.persistence?.groups ?? new MemoryGroupArchive(),
      storage: this.storage,
      timers: this.timers,
      waits: options.groupWaits ?? DEFAULT_GROUP_WAITS,
      now: o.now,
      rtoOf: (id) => this.outgoing.rtoMs(id),
      signingKeyOf: (id) => this.peers.get(id)?.signingKey,
      isOnline: (id) => this.peers.get(id)?.online === true,
      deliver: (peerId, item, relay) => this.outgoing.sendCarried(peerId, item, relay),
      sendPacket: (peerId, packet) => {
        const peer = this.peers.get(peerId);
        if (peer !== undefined && this.started) this.link.send(peerId, peer, packet);
      },
      events: {
        message: received,
        state: (change) => this.emit('message-state', change),
        group: (change) => {
          // Members who are no contacts yet are reached through the relay (docs/RELAY.md).
          if (change.group.status === 'member') this.watchMembers([change.group]);
          this.emit('group', change);
        },
        warn: (message, peerId) => this.warn('junk', message, this.peers.get(peerId)),
      },
    });
    this.relayLanes = this.createRelayLanes();
    this.lanes = new Lanes({
      nodeId: o.nodeId,
      relay: {
        reach: (peerId) => {
          const peer = this.peers.get(peerId);
          if (peer === undefined) return undefined;
          if (peer.path.kind === 'relay')
            return this.relay.routeTo(peerId) === undefined ? 'down' : 'only';
          return this.relay.reaches(peerId) ? 'also' : undefined;
        },
        open: (peerId) => this.relayLanes.open(peerId),
      },
      secure: this.secure,
      counters: this.counters,
      peerTcp: (peerId) => {
        const peer = this.peers.get(peerId);
        // A peer known only through the relay has no address: no direct lane (an empty host
        // would connect to this machine).
        if (peer === undefined || peer.address === '' || peer.tcpPort == null) return undefined;
        return { address: peer.address, port: peer.tcpPort };
      },
      ensureSession: async (peerId, to, timeoutMs) => {
        if (this.secure.hasSession(peerId)) return true;
        this.secure.initiate(to, 'tcp', peerId);
        return this.sessionWith(peerId, timeoutMs);
      },
      rekey: (peerId) => {
        const peer = this.peers.get(peerId);
        if (peer !== undefined) this.secure.initiate(peer, 'udp', peerId);
      },
      log: (direction, size, local, remote, meta, bytes) =>
        this.wire.logLane(direction, size, local, remote, meta, bytes),
    });
    this.plain = new PlainText({
      ...shared,
      wire: this.wire,
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

  /** The fingerprint of this node's key (the node id is its first 32 hex digits). */
  get fingerprint(): string {
    return fingerprintOf(this.identity.publicKey, this.provider);
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
    // A relay contact keeps the broker it was stored with while that broker is configured,
    // else it takes the first one (it is learned again when the contact is seen).
    const brokers = this.relay.statuses().map((status) => status.broker);
    this.peers.restore(
      (this.persistence?.loadPeers() ?? []).map((peer) =>
        peer.path.kind === 'relay' && !brokers.includes(peer.path.broker)
          ? { ...peer, path: { kind: 'relay', broker: brokers[0] ?? '' } }
          : peer,
      ),
    );
    this.outgoing.restore();
    this.incoming.restore();
    this.groups.restore();
    this.started = true;
    this.discovery.start();
    this.relay.watch(this.peers.list().map((p) => p.id));
    this.watchMembers(this.groups.list());
    this.relay.start();
    const expiryEvery = Math.max(50, Math.floor(o.peerTimeoutMs / EXPIRY_CHECKS_PER_TIMEOUT));
    this.timers.every(expiryEvery, () => {
      this.relayPresence.keepAlive(o.now());
      this.applyChanges(this.peers.expire(o.now(), o.peerTimeoutMs));
      this.secure.tick();
    });
    const info = this.info();
    this.emit('ready', info);
    return info;
  }

  /** Says bye (sealed, to each peer in session), stops every timer, frees every port. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    await this.starting?.catch(() => undefined);
    this.lanes.close();
    this.relayLanes.close();
    this.incoming.close();
    this.outgoing.close();
    this.groups.close();
    this.bundler.flush(); // the acks and texts the closes above queued
    this.timers.clear();
    this.responsivenessCheck.close();
    await this.wire.close(async () => {
      if (!this.started) return;
      const byes = this.peers
        .list()
        .filter((p) => p.online)
        .map((peer) => {
          const sealed = this.sealFor(
            peer.id,
            { kind: 'bye', from: this.id },
            MAX_INNER_DATAGRAM_BYTES,
          );
          if (sealed === undefined) return Promise.resolve(true);
          const route = this.routeFor(peer.id, peer);
          if (isRelayRoute(route)) return this.relay.send(sealed.record, route, sealed.meta);
          return this.wire.sendUdpAsync(sealed.record, route, sealed.meta, 'client', true);
        });
      await Promise.all(byes);
    });
    await this.relay.close();
    this.bundler.close();
    this.secure.close();
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
      relays: this.relay.statuses(),
      counters: { ...this.counters },
    };
  }

  /**
   * The counters alone, a copy: what `info()` holds, without listing the machine's interfaces
   * (a system call) or the discovery targets. The backend reads it every second.
   */
  countersNow(): NodeCounters {
    return { ...this.counters };
  }

  /** Authenticated peers heard from this run or loaded from storage (bounded by MAX_PEERS). */
  peerList(): PeerInfo[] {
    return this.peers.list().map((peer) => this.responsiveness.apply(peer));
  }

  strangerList(): Stranger[] {
    return this.plain.list();
  }

  rttMs(peerId: string): number | undefined {
    return this.outgoing.rttMs(peerId);
  }

  /**
   * The 60-digit safety number with a peer (docs/PROTOCOL.md, "Verifying a contact"), the same on
   * both sides, and the payload of the QR code that shows it.
   */
  safetyNumber(peerId: string, publicKeyHex: string): { digits: string; qr: string } {
    const publicKey = fromHex(publicKeyHex);
    if (publicKey === undefined) throw new NodeError('not-found', `no key for ${peerId}`);
    const number = safetyNumberOf(
      this.provider,
      { publicKey: this.identity.publicKey, nodeId: this.id },
      { publicKey, nodeId: peerId },
    );
    return { digits: number.digits, qr: safetyQrPayload(number) };
  }

  /** The fingerprint of a peer's key (hex). */
  fingerprintOf(publicKeyHex: string): string | undefined {
    const key = fromHex(publicKeyHex);
    return key === undefined ? undefined : fingerprintOf(key, this.provider);
  }

  /** True while an authenticated session with the peer is open. */
  isEncrypted(peerId: string): boolean {
    return this.secure.hasSession(peerId);
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
      sockets: [
        ...this.wire.socketInfo(),
        ...this.lanes.sockets(),
        ...this.relay.sockets(),
        ...this.relayLanes.sockets(),
      ],
      interfaces: this.options.interfaces(),
      counters: { ...this.counters },
    };
  }

  /** Changes nickname, status, status text or avatar colour and tells every peer in session. */
  setProfile(profile: {
    nick?: string;
    status?: PeerStatus;
    statusText?: string;
    /** null: back to the colour generated from the node id. */
    avatarHue?: number | null;
  }): void {
    const renamed = profile.nick !== undefined && profile.nick !== this.nick;
    if (profile.nick !== undefined) this.nick = profile.nick;
    if (profile.status !== undefined) this.status = profile.status;
    if (profile.statusText !== undefined) this.statusText = profile.statusText;
    if (profile.avatarHue !== undefined) this.avatarHue = profile.avatarHue ?? undefined;
    if (!this.started) return;
    for (const peer of this.peers.list()) if (peer.online) this.sendHello(peer.id, peer);
    if (renamed) this.relay.profileChanged();
  }

  /**
   * Someone found in a relay's directory (or told by id): their presence is watched, and when
   * it says online a handshake runs through the relay; a contact appears once it completes.
   */
  seek(nodeId: string): void {
    if (!this.relay.enabled) throw new NodeError('no-relay', 'no relay broker is configured');
    if (nodeId === this.id) throw new NodeError('unknown-peer', 'that is this node');
    this.watch([nodeId]);
    const route = this.relay.presenceOf(nodeId) === true ? this.relay.routeTo(nodeId) : undefined;
    if (route !== undefined) this.secure.initiate(route, 'relay', nodeId);
  }

  /**
   * Nodes to keep in touch with through the relays (group members who are no contacts yet):
   * their presence is watched, and a handshake runs through a relay when one says online. Does
   * nothing without a relay. Contacts are watched anyway.
   */
  watch(nodeIds: Iterable<string>): void {
    this.relayPresence.seek([...nodeIds].filter((id) => id !== this.id));
  }

  /** The members of groups we are in, watched through the relay (nothing without one). */
  private watchMembers(groups: readonly GroupInfo[]): void {
    if (!this.relay.enabled) return;
    const ids = groups
      .filter((g) => g.status === 'member')
      .flatMap((g) => g.members.map((m) => m.id));
    if (ids.length > 0) this.watch(ids);
  }

  /** Relay directory entries matching `query` (nick or node id prefix). */
  directory(query: string, limit: number): DirectoryEntry[] {
    return this.relay.search(query, limit);
  }

  relays(): RelayStatus[] {
    return this.relay.statuses();
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
   * (`stranger:IP:PORT`, or an IP:PORT that is no peer). Resolves, once it is stored, with the
   * message in state `sending`; later states follow as `message-state` events. The texts to
   * peers of one event-loop turn are stored in one transaction, and each goes to the network
   * after it (electron/net/text-sender.ts). A reply names the message it answers (plain text to
   * a stranger has no room for it). `mentions` (member ids) counts only in a group.
   */
  sendText(
    to: string,
    text: string,
    reply?: MessageReply,
    mentions?: readonly string[],
  ): Promise<ChatMessage> {
    // Not an async function: that wrapped the peer's Promise in one more, resolved two
    // microtasks later, for every text. A throw is still a rejection, as it was.
    try {
      return this.startText(to, text, reply, mentions);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private startText(
    to: string,
    text: string,
    reply: MessageReply | undefined,
    mentions: readonly string[] | undefined,
  ): Promise<ChatMessage> {
    if (this.closing !== undefined) throw new NodeError('closed', 'node is closed');
    if (!this.started) throw new NodeError('not-started', 'node is not started');
    if (text.length === 0) throw new NodeError('empty', 'message is empty');
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > MAX_TEXT_BYTES) {
      throw new NodeError('too-long', `message is ${bytes} bytes, limit ${MAX_TEXT_BYTES}`);
    }
    const groupId = groupIdOf(to);
    if (groupId !== undefined) return Promise.resolve(this.groups.post(groupId, text, mentions));
    const peer = this.findPeer(to);
    if (peer !== undefined) return this.outgoing.send(peer, text, reply);
    const stranger = this.plain.resolve(to);
    if (stranger === undefined) throw new NodeError('unknown-peer', `no such peer: ${to}`);
    return Promise.resolve(this.plain.send(stranger, text));
  }

  /** The groups this node is in, was in, or was removed from. */
  groupList(): GroupInfo[] {
    return this.groups.list();
  }

  group(groupId: string): GroupInfo | undefined {
    return this.groups.get(groupId);
  }

  /** Makes a group of this node and `members` (peer ids met before) and tells each of them. */
  createGroup(name: string, members: readonly string[]): GroupInfo {
    this.mustRun();
    return this.groups.create(name, members);
  }

  /** A membership change (add, remove, leave, rename, admin) made by this node. */
  changeGroup(groupId: string, request: ChangeRequest): GroupInfo {
    this.mustRun();
    return this.groups.change(groupId, request);
  }

  /** Per member, how far one of our group messages got. */
  groupDeliveries(messageId: string): readonly MemberDelivery[] {
    return this.groups.deliveriesOf(messageId);
  }

  private mustRun(): void {
    if (this.closing !== undefined) throw new NodeError('closed', 'node is closed');
    if (!this.started) throw new NodeError('not-started', 'node is not started');
  }

  /**
   * Stores a control message for a consumer on the peer's side and sends it in the peer's
   * reliable stream, like a text (docs/PROTOCOL.md, "Control messages"): exactly once, in order,
   * across restarts. Its states come as `control-state` events; a card (a file offer) also shows
   * in the conversation (`card` event). Returns the stored message.
   */
  sendControl(peerId: string, control: ControlTag, body: string): ChatMessage {
    this.mustRun();
    if (body.length === 0) throw new NodeError('empty', 'control message is empty');
    const bytes = Buffer.byteLength(body, 'utf8');
    if (bytes > MAX_TEXT_BYTES)
      throw new NodeError('too-long', `control message is ${bytes} bytes, limit ${MAX_TEXT_BYTES}`);
    const peer = this.peers.get(peerId);
    if (peer === undefined) throw new NodeError('unknown-peer', `no such peer: ${peerId}`);
    const message = this.outgoing.sendControl(peer, control, body);
    if (message.file !== undefined) queueMicrotask(() => this.emit('card', message));
    return message;
  }

  /**
   * Hands incoming control messages named `name` to `consumer`, in each sender's order; each is
   * acknowledged once the consumer handled it. Returns the function that unregisters it.
   */
  onControl(name: string, consumer: ControlConsumer): () => void {
    return this.incoming.controls.register(name, consumer);
  }

  /** The peer's key changed and the user has not accepted it: messages to it are held. */
  holdPeer(peerId: string): void {
    this.outgoing.hold(peerId);
  }

  /** The user accepted `to` as the contact `from` now is: held messages go out to it. */
  releasePeer(from: string, to: string): void {
    const peer = this.peers.get(to);
    if (peer === undefined) throw new NodeError('unknown-peer', `no such peer: ${to}`);
    this.outgoing.release(from, peer);
  }

  /** A person looked at a stranger's conversation: its messages are stored from now on. */
  keepStranger(id: string): void {
    this.plain.keep(id);
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
    this.link.send(peer.id, peer, { kind: 'typing', from: this.id });
    return true;
  }

  /** Sends a pending message again now. */
  retry(messageId: string): void {
    if (!this.outgoing.retry(messageId)) {
      throw new NodeError('not-found', `no pending message ${messageId}`);
    }
  }

  // --- inbound ------------------------------------------------------------------------------------

  private onInbound(inbound: Inbound): void {
    switch (inbound.type) {
      case 'plain':
        this.plain.receive(inbound.text, inbound.from, inbound.via);
        return;
      case 'sealed': {
        const reply = inbound.reply;
        this.pendingLog = inbound.log;
        this.pendingAuth = inbound.authenticated;
        this.pendingDetach = inbound.detach;
        try {
          this.secure.handle(
            inbound.bytes,
            inbound.from,
            inbound.transport,
            reply === undefined ? undefined : (bytes) => reply(bytes, {}),
          );
        } finally {
          this.pendingLog = undefined;
          this.pendingAuth = undefined;
          this.pendingDetach = undefined;
        }
        return;
      }
      case 'packet':
        this.onClearPacket(inbound.packet, inbound.from);
        return;
    }
  }

  /** Set while a sealed input is handled, so its log entry can name what it turned out to be. */
  private pendingLog: ((meta: SendMeta) => void) | undefined;
  /** Set while a TCP frame is handled: called once it proves who sent it. */
  private pendingAuth: (() => void) | undefined;
  /** Set while a TCP frame is handled: hands its connection over (a file data lane). */
  private pendingDetach: Extract<Inbound, { type: 'sealed' }>['detach'];

  /**
   * TCP frames are screened by their first bytes before they are buffered: a handshake message
   * must be small, and a record must name a session of ours. A stranger's 512 KiB of garbage is
   * refused after 9 bytes, not read and then rejected.
   */
  private screenFrame(start: Buffer, length: number): boolean {
    const type = start[0];
    if (type === 0xf8 || type === 0xf9 || type === 0xfa) return length <= MAX_HANDSHAKE_FRAME_BYTES;
    if (type !== 0xfb || start.byteLength < 5) return false;
    return this.secure.knowsIndex(start.readUInt32BE(1));
  }

  private logInbound(meta: SendMeta): void {
    this.pendingLog?.(meta);
    this.pendingLog = undefined;
  }

  /** In the clear only an announce is accepted, and only as a hint of who listens where. */
  private onClearPacket(packet: Packet, from: Endpoint): void {
    if (packet.from === this.id) return; // our own broadcast coming back
    if (packet.kind !== 'announce') {
      this.counters.junkDropped += 1;
      this.warn('junk', `dropped an unauthenticated ${packet.kind} packet`, from);
      return;
    }
    this.onAnnounce(packet, from);
  }

  private onAnnounce(packet: AnnouncePacket, from: Endpoint): void {
    const peerId = packet.from;
    // A sign of life, though not a proof: pending messages go out again to the peer's known
    // (authenticated) address; only its sealed ack makes them delivered.
    if (this.outgoing.hasPending(peerId)) this.outgoing.resume(peerId);
    const known = this.peers.get(peerId);
    const sameAddress = known?.address === from.address && known.port === from.port;
    if (sameAddress && this.secure.hasSession(peerId) && !this.secure.needsRekey(peerId)) {
      // Known and in session: prove we are still here (the peer learns it from a sealed hello).
      this.discovery.scheduleReply(peerId, () => this.sendHello(peerId, from, true));
      return;
    }
    if (this.secure.hasSession(peerId)) {
      this.discovery.scheduleReply(peerId, () => this.secure.discover(from, 'udp', peerId));
      return;
    }
    this.discovery.scheduleReply(peerId, () => this.answerAnnounce(from, peerId, true));
  }

  /**
   * Answers the announce of a peer we have no session with. The node with the lower id starts the
   * handshake (Discovery.leads); the other announces itself back and waits. Either side first
   * waits a moment if the peer has meanwhile started a handshake with us (one session is enough);
   * if no session comes of it (an init forged from the peer's address, say), it goes on.
   */
  private answerAnnounce(from: Endpoint, peerId: string, wait: boolean): void {
    if (this.closing !== undefined || !this.started || this.secure.hasSession(peerId)) return;
    if (wait && this.secure.answering(from, 'udp')) {
      this.timers.after(ANSWER_WAIT_MS, () => this.answerAnnounce(from, peerId, false));
      return;
    }
    if (this.discovery.leads(peerId, this.options.now())) this.secure.discover(from, 'udp', peerId);
    else if (this.secure.mayPrompt(from.address)) this.discovery.announceTo(from);
  }

  private onEstablished(event: Established): void {
    const now = this.options.now();
    this.pendingAuth?.();
    this.logInbound({
      kind: 'handshake',
      summary: `${event.profile.nick}: session ${event.initiator ? 'opened' : 'accepted'}`,
      peerId: event.peerId,
    });
    if (this.options.bundle && event.profile.features?.includes(BUNDLE_FEATURE) === true)
      this.bundling.add(event.peerId);
    else this.bundling.delete(event.peerId);
    if (this.compactOn() && event.profile.features?.includes(COMPACT_FEATURE) === true)
      this.compacting.add(event.peerId);
    else this.compacting.delete(event.peerId);
    if (this.options.textBody && event.profile.features?.includes(TEXT_BODY_FEATURE) === true)
      this.textBodies.add(event.peerId);
    else this.textBodies.delete(event.peerId);
    const publicKey = toHex(event.staticKey);
    const signing = event.profile.sign === undefined ? {} : { signingKey: event.profile.sign };
    const details = { ...detailsOf(event.profile), publicKey, ...signing };
    const from = event.from;
    if (isRelayRoute(from)) {
      this.relayPresence.observed(event.peerId, from, now, details);
    } else {
      // Over TCP the source port is ephemeral: the peer's address is its IP and its client port.
      this.applyChanges(
        event.transport === 'udp'
          ? this.peers.observe(event.peerId, from, now, details)
          : this.peers.observeTcp(event.peerId, from.address, now, details, event.profile.port),
      );
    }
    this.emit('session', {
      peerId: event.peerId,
      publicKey,
      fingerprint: fingerprintOf(event.staticKey, this.provider),
      nick: event.profile.nick,
      host: event.profile.host,
      aliases: event.profile.aliases ?? [],
    });
    const waiters = this.waiting.get(event.peerId);
    this.waiting.delete(event.peerId);
    for (const wake of waiters ?? []) wake();
    if (this.started) this.groups.onSession(event.peerId);
  }

  private onOpened(event: Opened): void {
    if (event.inner[0] === RELAY_LANE_MARKER && isRelayRoute(event.from)) {
      // A file data lane frame through the relay: logged in summary by the lanes, never decoded.
      this.pendingLog = undefined;
      this.relayLanes.frame(event.peerId, event.inner, event.from, event.inner.byteLength);
      return;
    }
    if (event.inner[0] === BUNDLE_START && this.options.bundle) {
      this.onBundle(event);
      return;
    }
    // JSON, or a text in the body form (docs/PROTOCOL.md, "Text bodies").
    const decoded = decodeRecordPacket(event.inner, MAX_INNER_FRAME_BYTES, this.options.textBody);
    const packet = decoded.ok ? decoded.packet : undefined;
    if (packet?.kind === 'acks' && !this.options.bundle) {
      // A node without bundles does not know the kind (docs/PROTOCOL.md): it ignores it.
      this.counters.unknownKindsIgnored += 1;
      this.logInbound({ kind: 'unknown', summary: 'acks', sealed: event.header });
      return;
    }
    if (packet === undefined || packet.from !== event.peerId || !SEALED_KINDS.has(packet.kind)) {
      // Authentic but not well-formed, or naming another sender: a broken or hostile peer.
      this.counters.junkDropped += 1;
      this.logInbound({
        kind: 'junk',
        summary: 'sealed record with a bad inner packet',
        sealed: event.header,
      });
      this.warn('junk', 'dropped a sealed record with a bad inner packet', event.from);
      return;
    }
    this.pendingAuth?.();
    if (this.responsiveness.heard(packet.from)) this.reportResponding(packet.from);
    this.logInbound({ packet, peerId: event.peerId, sealed: event.header, inner: event.inner });
    const reply = event.reply === undefined ? undefined : this.tcpReply(event.peerId, event.reply);
    this.dispatch(packet, event, reply);
  }

  /**
   * A record that carries several packets (docs/PROTOCOL.md, "Bundles"). Each packet counts as if
   * it came alone; a bad one (malformed, or naming another sender) is dropped and counted, the
   * others still count. A bundle over the limit or holding a bundle is refused whole.
   */
  private onBundle(event: Opened): void {
    const decoded = decodeBundle(
      event.inner,
      MAX_INNER_FRAME_BYTES,
      MAX_BUNDLE_PACKETS,
      this.compactOn() ? event.peerId : undefined,
    );
    if (!decoded.ok) {
      this.counters.junkDropped += 1;
      this.logInbound({
        kind: 'junk',
        summary: `bundle refused: ${decoded.error.message}`,
        sealed: event.header,
      });
      this.warn('junk', `dropped a bundle: ${decoded.error.message}`, event.from);
      return;
    }
    const packets: Packet[] = [];
    let bad = 0;
    for (const result of decoded.packets) {
      if (!result.ok) {
        if (result.error.code === 'unknown-kind') this.counters.unknownKindsIgnored += 1;
        else bad += 1;
        continue;
      }
      const packet = result.packet;
      // A data lane starts only as a connection's first frame, never inside a bundle.
      if (packet.from !== event.peerId || !SEALED_KINDS.has(packet.kind) || packet.kind === 'lane')
        bad += 1;
      else packets.push(packet);
    }
    if (bad > 0) {
      this.counters.junkDropped += bad;
      this.warn('junk', `dropped ${bad} bad packet(s) of a bundle`, event.from);
    }
    this.logInbound({
      kind: 'bundle',
      bundled: { packets, bad, compactFrom: this.compactOn() ? event.peerId : undefined },
      peerId: event.peerId,
      sealed: event.header,
      inner: event.inner,
    });
    if (packets.length === 0) return;
    this.pendingAuth?.();
    if (this.responsiveness.heard(event.peerId)) this.reportResponding(event.peerId);
    const reply = event.reply === undefined ? undefined : this.tcpReply(event.peerId, event.reply);
    try {
      for (const packet of packets) {
        this.dispatch(packet, event, reply);
        // The first packet proved the peer is there; the rest need not say it again.
        if (packet.kind !== 'hello' && packet.kind !== 'bye') this.touchedByBundle = event.peerId;
      }
    } finally {
      this.touchedByBundle = undefined;
    }
  }

  private dispatch(packet: Packet, event: Opened, reply?: (packet: Packet) => void): void {
    const now = this.options.now();
    switch (packet.kind) {
      case 'hello':
        this.touch(packet.from, event.from, event.transport, now, {
          details: detailsOf(packet),
          port: packet.port,
        });
        this.groups.onHello(packet.from);
        return;
      case 'bye':
        this.secure.forget(packet.from);
        this.applyChanges(this.peers.markOffline(packet.from));
        return;
      case 'text':
        this.touch(packet.from, event.from, event.transport, now);
        this.incoming.receive(packet, event.from, event.transport, reply);
        return;
      case 'frag':
        this.touch(packet.from, event.from, event.transport, now);
        this.incoming.receiveFragment(packet, event.from, event.transport);
        return;
      case 'ack':
        this.touch(packet.from, event.from, event.transport, now);
        this.outgoing.acknowledge(packet, event.transport);
        return;
      case 'acks':
        this.touch(packet.from, event.from, event.transport, now);
        this.outgoing.acknowledgeAll(packet.from, packet.acks, event.transport);
        return;
      case 'group-sync':
        this.touch(packet.from, event.from, event.transport, now);
        this.groups.onSync(packet);
        return;
      case 'group-want':
        this.touch(packet.from, event.from, event.transport, now);
        this.groups.onWant(packet);
        return;
      case 'typing':
        this.touch(packet.from, event.from, event.transport, now);
        this.emit('typing', { peerId: packet.from });
        return;
      case 'lane': {
        // Only as the first frame of a connection the peer opened to us (docs/PROTOCOL.md).
        const detach = this.pendingDetach;
        if (event.transport !== 'tcp' || detach === undefined) {
          this.warn('junk', 'a lane packet outside a new TCP connection', event.from);
          return;
        }
        this.touch(packet.from, event.from, event.transport, now);
        this.lanes.accept(packet.from, detach);
        return;
      }
      case 'announce':
        return; // not sealed (filtered above)
    }
  }

  private onRejected(reason: Rejection, from: Endpoint, detail: string): void {
    this.logInbound({ kind: 'rejected', summary: `${reason}: ${detail}` });
    if (reason === 'rate-limited') this.counters.rateLimited += 1;
    else if (reason !== 'replayed' && reason !== 'forged' && reason !== 'no-session')
      this.counters.junkDropped += 1;
    this.warn(reason === 'rate-limited' ? 'rate-limited' : 'junk', detail, from);
  }

  /**
   * An authenticated packet proves the peer is there. Over UDP its source is its address (a
   * peer moves only on an authenticated packet); a TCP connection comes from an ephemeral port.
   */
  private touch(
    id: string,
    from: Endpoint,
    transport: Transport,
    now: number,
    hello?: { readonly details: PeerDetails; readonly port: number },
  ): void {
    if (this.touchedByBundle === id && hello === undefined) return;
    const details = hello?.details;
    if (isRelayRoute(from)) {
      this.relayPresence.observed(id, from, now, details);
    } else if (transport === 'tcp') {
      this.applyChanges(this.peers.observeTcp(id, from.address, now, details, hello?.port));
    } else {
      this.applyChanges(this.peers.observe(id, from, now, details));
    }
    // Proof the path works again: messages that ran out of retries or are backing off go out now.
    if (this.outgoing.hasPending(id)) this.outgoing.resume(id);
    this.outgoing.pathWorks(id);
  }

  /** The peer's "not responding" mark changed: an `updated` change, not stored (it is live state). */
  private reportResponding(id: string): void {
    const peer = this.peers.get(id);
    if (peer?.online === true)
      this.emit('peer', { change: 'updated', peer: this.responsiveness.apply(peer) });
  }

  private applyChanges(changes: readonly PeerChange[]): void {
    for (const raw of changes) {
      if (raw.change === 'offline') {
        this.responsiveness.forget(raw.peer.id);
        this.relayLanes.peerGone(raw.peer.id);
      }
      const change = { ...raw, peer: this.responsiveness.apply(raw.peer) };
      const store = this.persistence;
      if (store !== undefined) this.storage.run('store a peer', () => store.savePeer(change.peer));
      if (change.change === 'added') this.relay.watch([change.peer.id]);
      if (change.change === 'offline') this.outgoing.park(change.peer.id);
      else if (change.change !== 'updated') this.outgoing.resume(change.peer.id);
      this.emit('peer', change);
    }
  }

  // --- outbound -----------------------------------------------------------------------------------

  private profile(): HandshakePayload {
    return {
      nick: this.nick,
      host: this.options.host,
      port: this.clientPort,
      tcp: this.tcpPort ?? 0,
      status: this.status,
      ...(this.statusText === '' ? {} : { statusText: this.statusText }),
      ...(this.avatarHue === undefined ? {} : { hue: this.avatarHue }),
      ...(this.aliases.length === 0 ? {} : { aliases: [...this.aliases] }),
      sign: toHex(this.signing.publicKey),
      ...(this.features.length === 0 ? {} : { features: [...this.features] }),
    };
  }

  /** The optional protocol features this node offers in its handshake (node-options.ts). */
  private get features(): readonly string[] {
    return [
      ...(this.options.bundle ? [BUNDLE_FEATURE] : []),
      ...(this.compactOn() ? [COMPACT_FEATURE] : []),
      ...(this.options.textBody ? [TEXT_BODY_FEATURE] : []),
    ];
  }

  /** `lan`: the answer to an announce goes over the LAN whatever the path, to probe it. */
  private sendHello(peerId: string, to: Endpoint, lan = false): void {
    const { aliases: _aliases, sign: _sign, features: _features, ...profile } = this.profile();
    this.sendSealed(peerId, lan ? to : this.routeFor(peerId, to), {
      kind: 'hello',
      from: this.id,
      ...profile,
    });
  }

  private sealFor(
    peerId: string,
    packet: Packet,
    maxInner: number,
  ): { record: Uint8Array; meta: SendMeta } | undefined {
    const inner = this.encodeFor(peerId, packet, maxInner);
    const sealed = this.secure.seal(peerId, inner);
    return sealed === undefined
      ? undefined
      : { record: sealed.record, meta: { packet, peerId, sealed: sealed.header, inner } };
  }

  /**
   * `sealFor` for a TCP frame: the record in its three parts (header, ciphertext, tag), which the
   * transport writes behind the frame's length without joining them (for a 64 KiB text the join
   * was a third of the seal).
   */
  private sealPartsFor(
    peerId: string,
    packet: Packet,
  ): { parts: readonly Uint8Array[]; meta: SendMeta } | undefined {
    const inner = this.encodeFor(peerId, packet, MAX_INNER_FRAME_BYTES);
    const sealed = this.secure.sealRecordParts(peerId, inner);
    return sealed === undefined
      ? undefined
      : { parts: sealed.parts, meta: { packet, peerId, sealed: sealed.header, inner } };
  }

  /** A packet's record plaintext for `peerId`: the text body form where it applies, or JSON. */
  private encodeFor(peerId: string, packet: Packet, maxInner: number): Uint8Array {
    const body = this.inTextBody(peerId, packet)
      ? encodeTextBody(packet, maxInner, (size) => Buffer.allocUnsafe(size))
      : undefined;
    return body ?? encodePacket(packet, maxInner);
  }

  private sendHandshake(
    bytes: Uint8Array,
    to: Endpoint,
    transport: Transport,
    header: { type: string; index: number },
  ): void {
    const meta: SendMeta = { kind: header.type, summary: 'handshake', sealed: header };
    if (transport === 'relay') {
      if (isRelayRoute(to)) void this.relay.send(bytes, to, meta);
      return;
    }
    if (transport === 'udp') {
      this.wire.sendUdp(bytes, to, meta);
      return;
    }
    this.wire.sendTcp(bytes, to, meta).catch((error: unknown) => {
      this.warn('tcp', `TCP handshake to ${formatEndpoint(to)} failed: ${String(error)}`, to);
    });
  }

  /** Seals acks and answers that go back on the TCP connection a sealed record came in on. */
  private tcpReply(peerId: string, reply: (bytes: Uint8Array) => void): (packet: Packet) => void {
    return (packet) => {
      const sealed = this.sealFor(peerId, packet, MAX_INNER_FRAME_BYTES);
      if (sealed !== undefined) reply(sealed.record);
    };
  }

  /** Resolves when a session with `peerId` exists, or false after `timeoutMs`. */
  private sessionWith(peerId: string, timeoutMs: number): Promise<boolean> {
    if (this.secure.hasSession(peerId)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiters = this.waiting.get(peerId) ?? new Set<() => void>();
      this.waiting.set(peerId, waiters);
      const wake = (): void => {
        this.timers.cancel(timer);
        resolve(true);
      };
      const timer = this.timers.after(timeoutMs, () => {
        waiters.delete(wake);
        resolve(false);
      });
      waiters.add(wake);
    });
  }

  /**
   * Where a packet to `peerId` goes: a relay route given as `to` (an answer to a packet that came
   * through the relay), the relay when it is the peer's path, else the LAN address `to`.
   */
  private routeFor(peerId: string, to: Endpoint): Endpoint {
    if (isRelayRoute(to)) return this.relay.routeTo(to.address) ?? to;
    const peer = this.peers.get(peerId);
    if (peer?.path.kind === 'relay' || to.port === 0) return this.relay.routeTo(peerId) ?? to;
    return to;
  }

  /**
   * Whether `packet` goes to `peerId` in the text body form (docs/PROTOCOL.md, "Text bodies"):
   * a text at least `textBodyMinChars` long, to a peer whose handshake listed `text-body`.
   */
  private inTextBody(peerId: string, packet: Packet): packet is TextPacket {
    return (
      packet.kind === 'text' &&
      packet.text.length >= this.options.textBodyMinChars &&
      this.textBodies.has(peerId)
    );
  }

  /** Compact bundles are a kind of bundle: only with bundles on (node-options.ts). */
  private compactOn(): boolean {
    return this.options.bundle && this.options.compact;
  }

  /** Seals and sends one packet to `route`; false when there is no session (a handshake starts). */
  private sendSealed(peerId: string, route: Endpoint, packet: Packet): boolean {
    const relayed = isRelayRoute(route);
    // A relay peer with no broker connected now: no way to it (the retransmission tries again).
    if (!relayed && route.port === 0) return false;
    if (
      !relayed &&
      this.bundling.has(peerId) &&
      this.secure.hasSession(peerId) &&
      // A text in the body form is a record of its own: a bundle is JSON.
      !this.inTextBody(peerId, packet)
    ) {
      // Sealed with the turn's other packets for this peer when the turn ends (bundler.ts).
      if (this.secure.needsRekey(peerId)) this.secure.initiate(route, 'udp', peerId);
      this.bundler.add(peerId, route, packet);
      return true;
    }
    const sealed = this.sealFor(peerId, packet, MAX_INNER_DATAGRAM_BYTES);
    if (sealed === undefined || this.secure.needsRekey(peerId))
      this.secure.initiate(route, relayed ? 'relay' : 'udp', peerId);
    if (sealed === undefined) return false;
    if (relayed) void this.relay.send(sealed.record, route, sealed.meta);
    else this.wire.sendUdp(sealed.record, route, sealed.meta);
    return true;
  }

  /** Text's road to a peer: every packet sealed in the peer's session, on the peer's path. */
  private readonly link: PeerLink = {
    tcpEnabled: () => this.wire.tcpEnabled,
    send: (peerId, to, packet) => this.sendSealed(peerId, this.routeFor(peerId, to), packet),
    viaRelay: (peerId) => this.peers.get(peerId)?.path.kind === 'relay',
    remoteOf: (peer) => describePath(this.peers.get(peer.id)?.path ?? peer.path),
    unanswered: (peerId) => {
      const peer = this.peers.get(peerId);
      if (peer?.path.kind !== 'lan' || !this.relay.reaches(peerId)) return;
      const route = this.relay.routeTo(peerId);
      if (route !== undefined) this.applyChanges(this.peers.useRelay(peerId, route.broker));
    },
    sendTcp: async (peerId, to, packet) => {
      const route = this.routeFor(peerId, to);
      if (isRelayRoute(route)) {
        await this.sendRecordByRelay(peerId, route, packet);
        return;
      }
      if (!this.secure.hasSession(peerId)) {
        this.secure.initiate(to, 'tcp', peerId);
        if (!(await this.sessionWith(peerId, TCP_HANDSHAKE_WAIT_MS)))
          throw new Error('no session: the handshake over TCP did not complete');
      }
      const sealed = this.sealPartsFor(peerId, packet);
      if (sealed === undefined) throw new Error('no session to seal with');
      await this.wire.sendTcp(sealed.parts, to, sealed.meta);
    },
  };

  /** One record of up to a TCP frame's size through the relay (a relay carries whole records). */
  private async sendRecordByRelay(
    peerId: string,
    route: RelayRoute,
    packet: Packet,
  ): Promise<void> {
    if (!this.secure.hasSession(peerId)) {
      this.secure.initiate(route, 'relay', peerId);
      if (!(await this.sessionWith(peerId, TCP_HANDSHAKE_WAIT_MS)))
        throw new Error('no session: the handshake through the relay did not complete');
    }
    const sealed = this.sealFor(peerId, packet, MAX_INNER_FRAME_BYTES);
    if (sealed === undefined) throw new Error('no session to seal with');
    if (!(await this.relay.send(sealed.record, route, sealed.meta)))
      throw new Error(`the relay ${route.broker} did not take the message`);
  }

  private createRelayLanes(): RelayLanes {
    return new RelayLanes({
      counters: this.counters,
      route: (peerId) => this.relay.routeTo(peerId),
      ensureSession: async (peerId, route, timeoutMs) => {
        if (this.secure.hasSession(peerId)) return true;
        this.secure.initiate(route, 'relay', peerId);
        return this.sessionWith(peerId, timeoutMs);
      },
      seal: (peerId, inner) => {
        if (this.secure.needsRekey(peerId)) {
          const route = this.relay.routeTo(peerId);
          if (route !== undefined) this.secure.initiate(route, 'relay', peerId);
        }
        return this.secure.seal(peerId, inner)?.record;
      },
      publish: (sealed, route, expirySeconds) =>
        this.relay.send(sealed, route, { kind: 'file-data' }, { expirySeconds, log: false }),
      incoming: (stream) => this.lanes.deliver(stream),
      log: (direction, size, route, meta) => this.relay.note(direction, size, route, meta),
    });
  }

  private createRelay(options: NodeOptions): Relay {
    const o = this.options;
    return new Relay({
      nodeId: o.nodeId,
      publicKey: toHex(this.identity.publicKey),
      options: options.relay ?? { brokers: [] },
      counters: this.counters,
      log: this.log,
      now: o.now,
      random: o.random,
      rateLimit: o.rateLimit,
      nick: () => this.nick,
      keyInfo: (hex) => {
        const key = fromHex(hex);
        return key === undefined || key.byteLength !== 32
          ? undefined
          : {
              nodeId: nodeIdOf(key, this.provider),
              fingerprint: fingerprintOf(key, this.provider),
            };
      },
      inbound: (bytes, from, log) =>
        this.onInbound({ type: 'sealed', bytes, from, transport: 'relay', log }),
      presence: (peerId, online, route) =>
        this.relayPresence.changed(peerId, online, route, this.options.now()),
      directoryEntry: (entry) => this.emit('directory', entry),
      stateChanged: (statuses) => {
        // A dropped broker ends its file lanes now, not after their idle timeout.
        this.relayLanes.brokersChanged((index) => statuses[index]?.state === 'connected');
        this.emit('relay', statuses);
      },
      logged: (entry) => this.emit('packet', entry),
      warn: (message) => this.warn('relay', message),
    });
  }

  private warn(code: WarningCode, message: string, remote?: Endpoint): void {
    // Per kind and source IP: a host rotating its source ports is still one source.
    const key = `${code} ${remote?.address ?? ''}`;
    const suppressed = this.warnings.pass(key, this.options.now());
    if (suppressed < 0) return;
    if (remote !== undefined && isRelayRoute(remote)) {
      // A relay route is no IP:port: the message names it instead.
      this.emit('warning', { code, message: `${message} (${describeRoute(remote)})`, suppressed });
      return;
    }
    const where =
      remote === undefined ? {} : { remote: { address: remote.address, port: remote.port } };
    this.emit('warning', { code, message, suppressed, ...where });
  }
}

function detailsOf(profile: {
  nick: string;
  host: string;
  tcp: number;
  status: PeerStatus;
  statusText?: string | undefined;
  hue?: number | undefined;
}): PeerDetails {
  return {
    nick: profile.nick,
    host: profile.host,
    tcpPort: profile.tcp === 0 ? null : profile.tcp,
    status: profile.status,
    statusText: profile.statusText,
    avatarHue: profile.hue,
  };
}

export function createNode(options: NodeOptions = {}): PacketChatNode {
  return new PacketChatNode(options);
}
