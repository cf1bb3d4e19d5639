import type {
  DirectoryEntry,
  NodeCounters,
  PacketLogEntry,
  RelayStatus,
  SocketInfo,
} from '../../../shared/domain';
import {
  decodeRelayNotice,
  encodeRelayNotice,
  parseRelayTopic,
  RELAY_HANDSHAKE_EXPIRY_S,
  RELAY_NOTICE_INTERVAL_MS,
  RELAY_RECORD_EXPIRY_S,
  RELAY_SESSION_EXPIRY_S,
  RELAY_WILL_DELAY_S,
  relayTopics,
  type DirectoryNotice,
} from '../../../shared/protocol/relay';
import { isV2Packet } from '../crypto/wire-format';
import { BoundedMap } from '../bounded-set';
import { packetFields, packetSummary, type PacketLog } from '../packet-log';
import { RateLimiter } from '../rate-limiter';
import type { SendMeta } from '../wire';
import { RelayConnection, type RelayConfig } from './relay-connection';
import { relayRoute, type RelayRoute } from './route';

/** The relay part of the node options (docs/RELAY.md). */
export interface RelayOptions {
  readonly brokers: readonly RelayConfig[];
  /**
   * Subscribe to the directory (every node's entry, for search). On by default; a deployment of
   * thousands turns it off, since each entry then goes to every node (docs/RELAY.md, "Scale").
   */
  readonly directory?: boolean;
}

export interface RelayDeps {
  readonly nodeId: string;
  /** This node's public key (hex), told in its directory entry. */
  readonly publicKey: string;
  readonly options: RelayOptions;
  readonly counters: NodeCounters;
  readonly log: PacketLog;
  readonly now: () => number;
  readonly random: () => number;
  readonly rateLimit: { readonly perSecond: number; readonly burst: number };
  nick(): string;
  /** The node id a public key (hex) gives, and its fingerprint; undefined for a bad key. */
  keyInfo(publicKeyHex: string): { nodeId: string; fingerprint: string } | undefined;
  /** A v2 packet arrived in our inbox; `log` records it once its meaning is known. */
  inbound(bytes: Uint8Array, from: RelayRoute, log: (meta: SendMeta) => void): void;
  /** A watched node's retained presence changed (or was learned). */
  presence(nodeId: string, online: boolean, route: RelayRoute): void;
  /** A directory entry arrived (new or changed). */
  directoryEntry(entry: DirectoryEntry): void;
  stateChanged(statuses: readonly RelayStatus[]): void;
  logged(entry: PacketLogEntry): void;
  warn(message: string): void;
}

const MAX_DIRECTORY = 20_000;
const MAX_WATCHED = 8_192;
/** Inbound packets per broker in all, beyond the per-sender limit. */
const TOTAL_PER_SECOND = 4_000;

interface Known {
  readonly nick: string;
  readonly fingerprint: string;
  readonly broker: number;
}

/**
 * The node's relay brokers (docs/RELAY.md): its presence and directory entry, the presence of the
 * nodes it watches, the directory, and v2 packets to and from inboxes. Nothing here decides who a
 * peer is: packets go to the node's secure channel like datagrams do.
 */
export class Relay {
  private readonly connections: RelayConnection[];
  private readonly watched = new Set<string>();
  /** Retained presence per node and broker index. */
  private readonly presenceByNode = new Map<string, Map<number, boolean>>();
  private readonly directory = new BoundedMap<string, Known>(MAX_DIRECTORY);
  /** Which broker a node was last heard on (presence, directory or inbox). */
  private readonly seenOn = new BoundedMap<string, number>(MAX_DIRECTORY);
  private readonly perSender: RateLimiter;
  private readonly total: RateLimiter;
  private lastDirectoryAt = 0;
  private directoryTimer: ReturnType<typeof setTimeout> | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly deps: RelayDeps) {
    this.perSender = new RateLimiter(deps.rateLimit.perSecond, deps.rateLimit.burst, 4_096);
    this.total = new RateLimiter(TOTAL_PER_SECOND, TOTAL_PER_SECOND * 2, 64);
    const me = deps.nodeId;
    this.connections = deps.options.brokers.map(
      (config, index) =>
        new RelayConnection({
          clientId: me,
          config,
          will: {
            topic: relayTopics.presence(me),
            payload: this.presenceNotice('offline'),
            delaySeconds: RELAY_WILL_DELAY_S,
          },
          sessionExpirySeconds: RELAY_SESSION_EXPIRY_S,
          random: deps.random,
          now: deps.now,
          connected: () => this.onConnected(index),
          message: (topic, payload) => this.guard(() => this.onMessage(index, topic, payload)),
          stateChanged: () => deps.stateChanged(this.statuses()),
        }),
    );
    for (const connection of this.connections) {
      connection.subscribe([relayTopics.inboxFilter(me)], 1);
      if (deps.options.directory !== false) connection.subscribe([relayTopics.directoryFilter], 0);
    }
  }

  get enabled(): boolean {
    return this.connections.length > 0;
  }

  start(): void {
    for (const connection of this.connections) connection.start();
  }

  statuses(): RelayStatus[] {
    return this.connections.map((c) => c.state());
  }

  sockets(): SocketInfo[] {
    return this.connections.flatMap((c) => {
      const info = c.socketInfo();
      return info === undefined ? [] : [info];
    });
  }

  /** Subscribes to these nodes' presence (contacts, group members, someone added by id). */
  watch(nodeIds: Iterable<string>): void {
    const fresh: string[] = [];
    for (const id of nodeIds) {
      if (id === this.deps.nodeId || this.watched.has(id) || this.watched.size >= MAX_WATCHED)
        continue;
      this.watched.add(id);
      fresh.push(relayTopics.presence(id));
    }
    if (fresh.length === 0) return;
    for (const connection of this.connections) connection.subscribe(fresh, 1);
  }

  /** True when a connected broker says the node is online, false when every one says offline. */
  presenceOf(nodeId: string): boolean | undefined {
    const states = this.presenceByNode.get(nodeId);
    if (states === undefined) return undefined;
    let any: boolean | undefined;
    for (const [index, online] of states) {
      if (!this.connections[index]?.connected) continue;
      if (online) return true;
      any = false;
    }
    return any;
  }

  /**
   * The inbox to reach `nodeId` through: the connected broker it was last heard on, else the
   * first connected one (its inbox there keeps messages while it has a session). Undefined
   * when no broker is connected.
   */
  routeTo(nodeId: string): RelayRoute | undefined {
    const seen = this.seenOn.get(nodeId);
    const index =
      seen !== undefined && this.connections[seen]?.connected === true
        ? seen
        : this.connections.findIndex((c) => c.connected);
    const connection = this.connections[index];
    return connection === undefined ? undefined : relayRoute(index, connection.broker, nodeId);
  }

  /** Whether `nodeId` was heard on a connected broker: the relay is a real way to it. */
  reaches(nodeId: string): boolean {
    const seen = this.seenOn.get(nodeId);
    return seen !== undefined && this.connections[seen]?.connected === true;
  }

  /** Directory entries whose nick or node id contains `query` (any case), best first. */
  search(query: string, limit: number): DirectoryEntry[] {
    const q = query.trim().toLowerCase();
    const hits: DirectoryEntry[] = [];
    for (const [nodeId, known] of this.directory.entries()) {
      if (nodeId === this.deps.nodeId) continue;
      if (q !== '' && !known.nick.toLowerCase().includes(q) && !nodeId.startsWith(q)) continue;
      hits.push(this.entryOf(nodeId, known));
    }
    hits.sort(
      (a, b) =>
        Number(b.online === true) - Number(a.online === true) || a.nick.localeCompare(b.nick),
    );
    return hits.slice(0, limit);
  }

  /**
   * Publishes a v2 packet to the inbox `to` names. Handshake messages expire at the broker with
   * the handshake, sealed records with their session. Resolves true once the broker has it.
   */
  send(
    bytes: Uint8Array,
    to: RelayRoute,
    meta: SendMeta,
    options: { readonly expirySeconds?: number; readonly log?: boolean } = {},
  ): Promise<boolean> {
    const connection = this.connections[to.port];
    if (connection === undefined || !connection.connected) {
      this.deps.counters.sendErrors += 1;
      return Promise.resolve(false);
    }
    const topic = relayTopics.inbox(to.address, this.deps.nodeId);
    const handshake = bytes[0] !== 0xfb;
    const expirySeconds =
      options.expirySeconds ?? (handshake ? RELAY_HANDSHAKE_EXPIRY_S : RELAY_RECORD_EXPIRY_S);
    return connection.publish(topic, bytes, { qos: 1, expirySeconds }).then((ok) => {
      if (!ok) {
        this.deps.counters.sendErrors += 1;
        return false;
      }
      const counters = this.deps.counters;
      counters.relaySent += 1;
      counters.bytesSent += bytes.byteLength;
      if (options.log !== false) this.record('out', bytes, connection.broker, topic, meta);
      return true;
    });
  }

  /**
   * One packet log entry for traffic logged in summary (file data lanes through the relay: one
   * entry per lane, direction and second), without the bytes.
   */
  note(direction: 'in' | 'out', size: number, route: RelayRoute, meta: SendMeta): void {
    const topic =
      direction === 'out'
        ? relayTopics.inbox(route.address, this.deps.nodeId)
        : relayTopics.inbox(this.deps.nodeId, route.address);
    const entry = this.deps.log.add(
      {
        at: this.deps.now(),
        direction,
        transport: 'relay',
        local: route.broker,
        remote: topic,
        size,
        kind: meta.kind ?? 'unknown',
        summary: meta.summary ?? '',
        ...(meta.peerId === undefined ? {} : { peerId: meta.peerId }),
      },
      new Uint8Array(0),
      false,
    );
    this.deps.logged(entry);
  }

  /** The nickname changed: a new directory entry (at most one per 30 s; the latest wins). */
  profileChanged(): void {
    if (this.connections.length === 0) return;
    const wait = this.lastDirectoryAt + RELAY_NOTICE_INTERVAL_MS - this.deps.now();
    if (wait <= 0) {
      this.publishDirectory();
      return;
    }
    if (this.directoryTimer !== undefined) return;
    this.directoryTimer = setTimeout(() => {
      this.directoryTimer = undefined;
      this.publishDirectory();
    }, wait);
  }

  /** Publishes `offline` on every broker and disconnects cleanly (no will). Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearTimeout(this.directoryTimer);
      const offline = this.presenceNotice('offline');
      await Promise.all(
        this.connections.map((c) =>
          c.close(() =>
            c.publish(relayTopics.presence(this.deps.nodeId), offline, { qos: 1, retain: true }),
          ),
        ),
      );
    })();
    return this.closing;
  }

  private onConnected(index: number): void {
    const connection = this.connections[index];
    if (connection === undefined) return;
    // Our presence may be the will by now (a broker restart sends it): say online again.
    const me = this.deps.nodeId;
    void connection.publish(relayTopics.presence(me), this.presenceNotice('online'), {
      qos: 1,
      retain: true,
    });
    void connection.publish(relayTopics.directory(me), this.directoryNotice(), {
      qos: 1,
      retain: true,
    });
    this.lastDirectoryAt = this.deps.now();
  }

  private publishDirectory(): void {
    this.lastDirectoryAt = this.deps.now();
    const entry = this.directoryNotice();
    for (const connection of this.connections)
      void connection.publish(relayTopics.directory(this.deps.nodeId), entry, {
        qos: 1,
        retain: true,
      });
  }

  private onMessage(index: number, topicText: string, payload: Buffer): void {
    const topic = parseRelayTopic(topicText);
    if (topic === undefined) return; // not ours (a shared broker): ignored
    const connection = this.connections[index];
    if (connection === undefined) return;
    switch (topic.kind) {
      case 'inbox':
        if (topic.to === this.deps.nodeId)
          this.onInbox(index, connection, topicText, topic.from, payload);
        return;
      case 'presence':
        this.onPresence(index, connection.broker, topic.nodeId, payload);
        return;
      case 'directory':
        this.onDirectory(index, connection.broker, topic.nodeId, payload);
        return;
    }
  }

  private onInbox(
    index: number,
    connection: RelayConnection,
    topic: string,
    from: string,
    payload: Buffer,
  ): void {
    const now = this.deps.now();
    const counters = this.deps.counters;
    if (!this.total.take(String(index), now) || !this.perSender.take(`${index}/${from}`, now)) {
      counters.rateLimited += 1;
      return;
    }
    counters.relayReceived += 1;
    counters.bytesReceived += payload.byteLength;
    if (!isV2Packet(payload)) {
      counters.junkDropped += 1;
      this.record('in', payload, connection.broker, topic, {
        kind: 'junk',
        summary: 'not a v2 packet',
      });
      return;
    }
    this.seenOn.set(from, index);
    const route = relayRoute(index, connection.broker, from);
    const log = (meta: SendMeta): void =>
      this.record('in', payload, connection.broker, topic, meta);
    this.deps.inbound(payload, route, log);
  }

  private onPresence(index: number, broker: string, nodeId: string, payload: Buffer): void {
    if (payload.byteLength === 0) {
      this.presenceByNode.get(nodeId)?.delete(index); // retained presence cleared
      return;
    }
    const notice = decodeRelayNotice(payload);
    if (notice?.kind !== 'presence' || notice.from !== nodeId) return;
    const online = notice.state === 'online';
    const states = this.presenceByNode.get(nodeId) ?? new Map<number, boolean>();
    this.presenceByNode.set(nodeId, states);
    const before = states.get(index);
    states.set(index, online);
    if (online) this.seenOn.set(nodeId, index);
    if (before !== online) this.deps.presence(nodeId, online, relayRoute(index, broker, nodeId));
  }

  private onDirectory(index: number, broker: string, nodeId: string, payload: Buffer): void {
    const notice = decodeRelayNotice(payload);
    if (notice?.kind !== 'directory' || notice.from !== nodeId) return;
    const key = this.deps.keyInfo(notice.key);
    if (key?.nodeId !== nodeId) return; // the id must be the key's: anything else is made up
    const known: Known = { nick: notice.nick, fingerprint: key.fingerprint, broker: index };
    const before = this.directory.get(nodeId);
    this.directory.set(nodeId, known);
    if (!this.seenOn.has(nodeId)) this.seenOn.set(nodeId, index);
    if (before?.nick === known.nick && before.broker === index) return;
    if (nodeId !== this.deps.nodeId) this.deps.directoryEntry(this.entryOf(nodeId, known, broker));
  }

  private entryOf(nodeId: string, known: Known, broker?: string): DirectoryEntry {
    return {
      nodeId,
      nick: known.nick,
      fingerprint: known.fingerprint,
      online: this.watched.has(nodeId) ? (this.presenceOf(nodeId) ?? false) : null,
      broker: broker ?? this.connections[known.broker]?.broker ?? '',
    };
  }

  private presenceNotice(state: 'online' | 'offline'): Uint8Array {
    return encodeRelayNotice({
      proto: 'pchat',
      v: 2,
      kind: 'presence',
      from: this.deps.nodeId,
      state,
    });
  }

  private directoryNotice(): Uint8Array {
    const notice: DirectoryNotice = {
      proto: 'pchat',
      v: 2,
      kind: 'directory',
      from: this.deps.nodeId,
      nick: this.deps.nick(),
      key: this.deps.publicKey,
    };
    return encodeRelayNotice(notice);
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      // A bug must not let a broker's message take the node down; report it and carry on.
      this.deps.warn(`internal error handling a relay message: ${String(error)}`);
    }
  }

  /** One log entry per MQTT payload, with its bytes (a sealed record's inner packet, decrypted). */
  private record(
    direction: 'in' | 'out',
    bytes: Uint8Array,
    broker: string,
    topic: string,
    meta: SendMeta,
  ): void {
    const packet = meta.packet;
    const peerId =
      meta.peerId ?? (packet !== undefined && direction === 'in' ? packet.from : undefined);
    const entry = this.deps.log.add(
      {
        at: this.deps.now(),
        direction,
        transport: 'relay',
        local: broker,
        remote: topic,
        size: bytes.byteLength,
        kind: packet?.kind ?? meta.kind ?? 'unknown',
        summary: packet === undefined ? (meta.summary ?? '') : packetSummary(packet),
        ...(packet === undefined ? {} : { fields: packetFields(packet) }),
        ...(peerId === undefined ? {} : { peerId }),
        ...(meta.sealed === undefined ? {} : { sealed: meta.sealed }),
      },
      meta.inner ?? bytes,
      meta.inner !== undefined,
    );
    this.deps.logged(entry);
  }
}
