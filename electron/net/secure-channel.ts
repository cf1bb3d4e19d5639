import type { Endpoint } from '../../shared/address';
import type { NodeCounters, Transport } from '../../shared/domain';
import { handshakePayloadSchema, type HandshakePayload } from '../../shared/protocol/packets';
import { nodeIdOf } from './crypto/identity';
import { HandshakeState } from './crypto/noise';
import type { CryptoProvider, KeyPair } from './crypto/primitives';
import { createTransport, type TransportLimits, type TransportSession } from './crypto/transport';
import { decode, encode, type V2Packet } from './crypto/wire-format';
import { HandshakeWindow } from './handshake-window';
import { PendingHandshakes, targetKey, type Pending } from './pending-handshakes';
import { RateLimiter } from './rate-limiter';
import { WhileBusy } from './timers';

/** What the packet log shows of a v2 packet's header. */
export interface SealedHeader {
  readonly type: V2Packet['type'];
  readonly index: number;
  readonly counter?: string;
}

/** A record opened in an authenticated session. */
export interface Opened {
  readonly peerId: string;
  readonly inner: Uint8Array;
  readonly from: Endpoint;
  readonly transport: Transport;
  readonly header: SealedHeader;
  /** For TCP: sends bytes back on the same connection. */
  readonly reply?: (bytes: Uint8Array) => void;
}

export interface Established {
  readonly peerId: string;
  readonly staticKey: Uint8Array;
  readonly profile: HandshakePayload;
  /** Where the handshake's last message came from. */
  readonly from: Endpoint;
  readonly transport: Transport;
  readonly initiator: boolean;
}

export type Rejection =
  | 'malformed'
  | 'no-session'
  | 'replayed'
  | 'forged'
  | 'handshake-failed'
  | 'identity-mismatch'
  | 'rate-limited'
  | 'too-many-identities';

export interface SecureChannelDeps {
  readonly provider: CryptoProvider;
  readonly identity: KeyPair;
  readonly nodeId: string;
  readonly now: () => number;
  readonly counters: NodeCounters;
  readonly limits?: Partial<TransportLimits>;
  /** This node's profile, sent in handshake messages 2 and 3. */
  profile(): HandshakePayload;
  /** Sends a handshake packet to `to` over `transport` (TCP: to the peer's TCP port). */
  send(bytes: Uint8Array, to: Endpoint, transport: Transport, header: SealedHeader): void;
  established(event: Established): void;
  opened(event: Opened): void;
  rejected(reason: Rejection, from: Endpoint, detail: string): void;
}

interface LiveSession {
  readonly peerId: string;
  readonly session: TransportSession;
  readonly ip: string;
}

interface PeerSessions {
  current: LiveSession | undefined;
  previous: LiveSession | undefined;
}

/** Handshakes in progress, in all and per source IP; WireGuard-style load bounds. */
const MAX_PENDING = 512;
const MAX_PENDING_PER_IP = 16;
const PENDING_TIMEOUT_MS = 10_000;
/** A host runs a few copies at most: more identities from one IP are refused. */
const MAX_IDENTITIES_PER_IP = 16;
/** Handshake initiations we answer per source IP and in all (a flood costs bounded CPU). */
const HANDSHAKES_PER_IP = { perSecond: 10, burst: 20 };
const HANDSHAKES_TOTAL = { perSecond: 200, burst: 400 };
/** A handshake in progress toward the same peer is not started again within this time. */
const INITIATE_INTERVAL_MS = 1_000;
const INITIATIONS_PER_IP = { perSecond: 5, burst: 10 };
/** Background handshakes waiting their turn, at most (one per target). */
const MAX_QUEUED_INITIATIONS = 4_096;
const QUEUE_CHECK_MS = 250;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Protocol v2 sessions (docs/PROTOCOL.md): Noise XX handshakes that authenticate both ends, then
 * sealed records with per-direction keys, explicit counters and a replay window, as WireGuard.
 * Holds the sessions by local index and by peer (current and previous, so records sealed before a
 * rekey still open), bounds every table and rate-limits handshakes per source IP and in all.
 * Nothing a remote sends throws out of `handle()`.
 */
export class SecureChannel {
  private readonly byIndex = new Map<number, LiveSession>();
  private readonly byPeer = new Map<string, PeerSessions>();
  /** How many peers' current sessions were made from each IP (MAX_IDENTITIES_PER_IP). */
  private readonly identities = new Map<string, number>();
  private readonly pending = new PendingHandshakes();
  /** Background handshakes waiting for a place, by target, oldest first, and when each came. */
  private readonly queued = new Map<
    string,
    {
      readonly to: Endpoint;
      readonly transport: Transport;
      readonly expectedId?: string;
      readonly at: number;
    }
  >();
  /** Local indexes of our handshakes that hold a place (no answer yet, younger than `holdMs`). */
  private readonly awaiting = new Set<number>();
  /** How many of those there may be: background handshakes wait while it is full. */
  private readonly window = new HandshakeWindow();
  private readonly queueCheck = new WhileBusy(
    QUEUE_CHECK_MS,
    () => this.pump(),
    () => this.queued.size > 0,
  );
  /** Handshakes we start, per destination IP: announces cannot make us a packet cannon. */
  private readonly initiations = new RateLimiter(
    INITIATIONS_PER_IP.perSecond,
    INITIATIONS_PER_IP.burst,
    4_096,
  );
  private readonly perIp = new RateLimiter(
    HANDSHAKES_PER_IP.perSecond,
    HANDSHAKES_PER_IP.burst,
    4_096,
  );
  private readonly total = new RateLimiter(HANDSHAKES_TOTAL.perSecond, HANDSHAKES_TOTAL.burst, 1);

  constructor(private readonly deps: SecureChannelDeps) {}

  /** Whether records to `index` could open here (a cheap screen for large TCP frames). */
  knowsIndex(index: number): boolean {
    return this.byIndex.has(index);
  }

  /** The address the session at `index` was made from, if there is one. */
  addressOfIndex(index: number): string | undefined {
    return this.byIndex.get(index)?.ip;
  }

  hasSession(peerId: string): boolean {
    const current = this.byPeer.get(peerId)?.current;
    return current !== undefined && !current.session.expired(this.deps.now());
  }

  /** The local index and age of a peer's current session, for the inspector. */
  sessionOf(peerId: string): { index: number; since: number } | undefined {
    const current = this.byPeer.get(peerId)?.current;
    return current === undefined
      ? undefined
      : { index: current.session.localIndex, since: current.session.createdAt };
  }

  /**
   * Seals `inner` for `peerId`. Undefined when there is no usable session (the caller starts a
   * handshake and sends again later) or the session's counter is spent.
   */
  seal(
    peerId: string,
    inner: Uint8Array,
  ): { record: Uint8Array; header: SealedHeader } | undefined {
    const current = this.byPeer.get(peerId)?.current;
    if (current === undefined || current.session.expired(this.deps.now())) return undefined;
    const sealed = current.session.sender.seal(inner);
    if (!sealed.ok) return undefined;
    return {
      record: sealed.record,
      header: {
        type: 'transport',
        index: current.session.remoteIndex,
        counter: sealed.counter.toString(),
      },
    };
  }

  /**
   * Seals `inner` for `peerId` as a record in three parts (header, ciphertext, tag), which a TCP
   * writer sends as one frame without joining them. Undefined as for `seal`.
   */
  sealParts(
    peerId: string,
    inner: Uint8Array,
  ): { header: Uint8Array; ciphertext: Uint8Array; tag: Uint8Array } | undefined {
    const current = this.byPeer.get(peerId)?.current;
    if (current === undefined || current.session.expired(this.deps.now())) return undefined;
    const sealed = current.session.sender.sealParts(inner);
    return sealed.ok ? sealed : undefined;
  }

  /**
   * Opens a record that must come from `peerId` (a file data lane is that peer's alone): its
   * index must be one of the peer's sessions, and it passes the same replay window as every
   * record of that session. Never throws.
   */
  openFrom(
    peerId: string,
    bytes: Uint8Array,
  ): { ok: true; inner: Uint8Array } | { ok: false; code: 'auth' | 'replayed' | 'malformed' } {
    if (bytes.byteLength < 5 || bytes[0] !== 0xfb) return { ok: false, code: 'malformed' };
    const index = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1);
    const live = this.byIndex.get(index);
    if (live?.peerId !== peerId) return { ok: false, code: 'auth' };
    const opened = live.session.receiver.open(bytes);
    if (opened.ok) return { ok: true, inner: opened.inner };
    if (opened.code === 'replayed' || opened.code === 'too-old') {
      this.deps.counters.replaysRejected += 1;
      return { ok: false, code: 'replayed' };
    }
    this.deps.counters.recordsRejected += 1;
    return { ok: false, code: opened.code === 'malformed' ? 'malformed' : 'auth' };
  }

  /**
   * `seal` with the record in its parts (header, ciphertext, tag, in this order) for a TCP
   * writer, and the header the packet log shows. Undefined as for `seal`.
   */
  sealRecordParts(
    peerId: string,
    inner: Uint8Array,
  ): { parts: readonly Uint8Array[]; header: SealedHeader } | undefined {
    const current = this.byPeer.get(peerId)?.current;
    if (current === undefined || current.session.expired(this.deps.now())) return undefined;
    const sealed = current.session.sender.sealParts(inner);
    if (!sealed.ok) return undefined;
    return {
      parts: [sealed.header, sealed.ciphertext, sealed.tag],
      header: {
        type: 'transport',
        index: current.session.remoteIndex,
        counter: sealed.counter.toString(),
      },
    };
  }

  /** Whether `index` is a session of `peerId` (a data lane's frames are screened with it). */
  isIndexOf(peerId: string, index: number): boolean {
    return this.byIndex.get(index)?.peerId === peerId;
  }

  /** True when the peer's session is old enough that a new handshake should start. */
  needsRekey(peerId: string): boolean {
    const current = this.byPeer.get(peerId)?.current;
    return current === undefined || current.session.needsRekey(this.deps.now());
  }

  /**
   * Starts a handshake with whoever listens at `to`. With `expectedId` (an announce said who is
   * there), a different identity answering is refused. At most one start per peer per second.
   */
  initiate(to: Endpoint, transport: Transport, expectedId?: string): void {
    const now = this.deps.now();
    if (this.pending.initiatedTo(targetKey(to, transport, expectedId), now, INITIATE_INTERVAL_MS))
      return;
    if (!this.initiations.take(to.address, now) || !this.makeRoom(to.address)) return;
    const state = this.handshake('initiator');
    const localIndex = this.newIndex();
    const written = state.writeMessage();
    if (!written.ok) return;
    this.awaiting.add(localIndex);
    this.pending.add({
      state,
      localIndex,
      to,
      transport,
      startedAt: now,
      ...(expectedId === undefined ? {} : { expectedId }),
    });
    const packet: V2Packet = {
      type: 'handshake-init',
      senderIndex: localIndex,
      noiseMessage: written.message,
    };
    this.deps.send(encode(packet), to, transport, { type: packet.type, index: localIndex });
  }

  /**
   * A handshake that nobody waits on (discovery, or healing a session the peer lost). It starts
   * now if fewer of ours wait for an answer than the window allows (HandshakeWindow), else when
   * a place frees, oldest first. A target queued already keeps its place; one that has a session
   * made since it was queued is skipped when its turn comes.
   */
  discover(to: Endpoint, transport: Transport, expectedId?: string): void {
    const key = targetKey(to, transport, expectedId);
    if (!this.queued.has(key) && this.queued.size < MAX_QUEUED_INITIATIONS) {
      const at = this.deps.now();
      this.queued.set(key, {
        to,
        transport,
        at,
        ...(expectedId === undefined ? {} : { expectedId }),
      });
    }
    this.pump();
  }

  /**
   * Starts queued handshakes while places are free, oldest first, but never a second one toward
   * an IP that has not answered the first: announces forged from one host (or a host that never
   * answers) hold one place at most. A handshake without an answer stops holding its place after
   * the window's `holdMs` (its answer still counts if it comes, as a slow one).
   */
  private pump(): void {
    const now = this.deps.now();
    const busy = new Set<string>();
    const holdMs = this.window.holdMs;
    for (const index of this.awaiting) {
      const pending = this.pending.get(index);
      if (pending !== undefined && now - pending.startedAt < holdMs) busy.add(pending.to.address);
      else this.awaiting.delete(index);
    }
    for (const [key, job] of this.queued) {
      if (this.awaiting.size >= this.window.size) break;
      if (busy.has(job.to.address)) continue;
      this.queued.delete(key);
      const since =
        job.expectedId === undefined ? undefined : this.sessionOf(job.expectedId)?.since;
      if (since !== undefined && since >= job.at) continue;
      const before = this.awaiting.size;
      this.initiate(job.to, job.transport, job.expectedId);
      if (this.awaiting.size > before) busy.add(job.to.address);
    }
    if (this.queued.size > 0) this.queueCheck.arm();
  }

  /**
   * Takes one of the tokens that bound what announces make this node send toward `ip` (each
   * handshake it starts takes one too): 5 a second per IP, bursts of 10, so an announce flood
   * cannot make it a reflector. False when none is left.
   */
  mayPrompt(ip: string): boolean {
    return this.initiations.take(ip, this.deps.now());
  }

  /** A v2 packet from the network (first byte 0xF8 or above). Never throws. */
  handle(
    bytes: Uint8Array,
    from: Endpoint,
    transport: Transport,
    reply?: (bytes: Uint8Array) => void,
  ): void {
    const decoded = decode(bytes);
    if (!decoded.ok) {
      this.deps.rejected('malformed', from, decoded.message);
      return;
    }
    const packet = decoded.packet;
    switch (packet.type) {
      case 'handshake-init':
        this.onInit(packet, from, transport, reply);
        return;
      case 'handshake-resp':
        this.onResponse(packet, from, transport, reply);
        return;
      case 'handshake-final':
        this.onFinal(packet, from, transport);
        return;
      case 'transport':
        this.onRecord(bytes, packet.receiverIndex, from, transport, reply);
        return;
      case 'cookie-reply':
        return; // this node never asks for cookies; a stray one means nothing
    }
  }

  /** Drops expired sessions and abandoned handshakes. */
  tick(): void {
    const now = this.deps.now();
    this.pending.expire(now, PENDING_TIMEOUT_MS);
    this.pump(); // also lets go of places held by handshakes that were never answered
    for (const [peerId, sessions] of this.byPeer) {
      for (const slot of ['previous', 'current'] as const) {
        const live = sessions[slot];
        if (live !== undefined && live.session.expired(now)) {
          this.byIndex.delete(live.session.localIndex);
          if (slot === 'current') this.countIdentity(live.ip, -1);
          sessions[slot] = undefined;
        }
      }
      if (sessions.current === undefined && sessions.previous === undefined)
        this.byPeer.delete(peerId);
    }
  }

  /** The peer said bye: its sessions are gone on its side, so they go here too. */
  forget(peerId: string): void {
    const sessions = this.byPeer.get(peerId);
    if (sessions === undefined) return;
    for (const live of [sessions.current, sessions.previous])
      if (live !== undefined) this.byIndex.delete(live.session.localIndex);
    if (sessions.current !== undefined) this.countIdentity(sessions.current.ip, -1);
    this.byPeer.delete(peerId);
  }

  close(): void {
    this.byIndex.clear();
    this.byPeer.clear();
    this.identities.clear();
    this.pending.clear();
    this.queued.clear();
    this.awaiting.clear();
    this.queueCheck.close();
  }

  private onInit(
    packet: Extract<V2Packet, { type: 'handshake-init' }>,
    from: Endpoint,
    transport: Transport,
    reply?: (bytes: Uint8Array) => void,
  ): void {
    const now = this.deps.now();
    if (!this.perIp.take(from.address, now) || !this.total.take('all', now)) {
      this.deps.rejected('rate-limited', from, 'handshake over the rate');
      return;
    }
    if (!this.makeRoom(from.address)) {
      this.deps.rejected('rate-limited', from, 'too many handshakes in progress');
      return;
    }
    const state = this.handshake('responder');
    const read = state.readMessage(packet.noiseMessage);
    if (!read.ok) {
      this.deps.rejected('handshake-failed', from, `handshake message 1: ${read.code}`);
      return;
    }
    const written = state.writeMessage(this.payload());
    if (!written.ok) return;
    const localIndex = this.newIndex();
    // Through a relay the sender named its id in the topic, and we answer to that id's inbox:
    // the key that completes the handshake must be that id's (docs/RELAY.md).
    const claimed = transport === 'relay' ? from.address : undefined;
    this.pending.add({
      state,
      localIndex,
      remoteIndex: packet.senderIndex,
      to: from,
      transport,
      startedAt: now,
      ...(claimed === undefined ? {} : { expectedId: claimed }),
    });
    const response: V2Packet = {
      type: 'handshake-resp',
      senderIndex: localIndex,
      receiverIndex: packet.senderIndex,
      noiseMessage: written.message,
    };
    this.answer(
      encode(response),
      from,
      transport,
      { type: response.type, index: localIndex },
      reply,
    );
  }

  private onResponse(
    packet: Extract<V2Packet, { type: 'handshake-resp' }>,
    from: Endpoint,
    transport: Transport,
    reply?: (bytes: Uint8Array) => void,
  ): void {
    const pending = this.pending.get(packet.receiverIndex);
    if (pending?.state.role !== 'initiator' || pending.state.status !== 'read') {
      this.deps.rejected('no-session', from, 'handshake response to no handshake of ours');
      return;
    }
    this.pending.delete(packet.receiverIndex);
    if (this.awaiting.delete(packet.receiverIndex)) {
      const now = this.deps.now();
      this.window.answered(now - pending.startedAt, now);
    }
    this.finish(pending, packet, from, transport, reply);
    // A place is free: the next queued handshake starts (after this one's session is in, so a
    // handshake queued for the same peer meanwhile is skipped).
    this.pump();
  }

  /** Handshake message 2 answered ours: checks it, sends message 3 and adopts the session. */
  private finish(
    pending: Pending,
    packet: Extract<V2Packet, { type: 'handshake-resp' }>,
    from: Endpoint,
    transport: Transport,
    reply?: (bytes: Uint8Array) => void,
  ): void {
    const peer = this.verifyPeer(pending, packet.noiseMessage, from, 2);
    if (peer === undefined) return;
    const written = pending.state.writeMessage(this.payload());
    if (!written.ok) return;
    const final: V2Packet = {
      type: 'handshake-final',
      receiverIndex: packet.senderIndex,
      noiseMessage: written.message,
    };
    if (!this.adopt(peer.peerId, this.transportOf(pending, packet.senderIndex), from)) return;
    this.answer(
      encode(final),
      from,
      transport,
      { type: final.type, index: packet.senderIndex },
      reply,
    );
    this.deps.established({ ...peer, from, transport, initiator: true });
  }

  private onFinal(
    packet: Extract<V2Packet, { type: 'handshake-final' }>,
    from: Endpoint,
    transport: Transport,
  ): void {
    const pending = this.pending.get(packet.receiverIndex);
    if (pending?.state.role !== 'responder' || pending.remoteIndex === undefined) {
      this.deps.rejected('no-session', from, 'handshake message 3 to no handshake of ours');
      return;
    }
    this.pending.delete(packet.receiverIndex);
    const peer = this.verifyPeer(pending, packet.noiseMessage, from, 3);
    if (peer === undefined) return;
    if (!this.adopt(peer.peerId, this.transportOf(pending, pending.remoteIndex), from)) return;
    this.deps.established({ ...peer, from, transport, initiator: false });
  }

  /**
   * Reads handshake message 2 (initiator) or 3 (responder) and checks whom it proves: the peer's
   * id, static key and profile, or undefined once the rejection is reported.
   */
  private verifyPeer(
    pending: Pending,
    noiseMessage: Uint8Array,
    from: Endpoint,
    message: 2 | 3,
  ): { peerId: string; staticKey: Uint8Array; profile: HandshakePayload } | undefined {
    const read = pending.state.readMessage(noiseMessage);
    const profile = read.ok ? parsePayload(read.payload) : undefined;
    const staticKey = pending.state.remoteStaticKey;
    if (!read.ok || profile === undefined || staticKey === undefined) {
      this.deps.rejected('handshake-failed', from, `handshake message ${message} did not verify`);
      return undefined;
    }
    const peerId = nodeIdOf(staticKey, this.deps.provider);
    if (pending.expectedId !== undefined && pending.expectedId !== peerId) {
      // An announce or a relay topic named one node and another answered: never let it stand in
      // for the first.
      const named = message === 2 ? 'was announced' : 'was named';
      this.deps.rejected(
        'identity-mismatch',
        from,
        `${pending.expectedId} ${named}, ${peerId} answered`,
      );
      return undefined;
    }
    return { peerId, staticKey, profile };
  }

  /** The session a finished handshake becomes. */
  private transportOf(pending: Pending, remoteIndex: number): TransportSession {
    return createTransport(pending.state, {
      localIndex: pending.localIndex,
      remoteIndex,
      now: this.deps.now(),
      ...(this.deps.limits === undefined ? {} : { limits: this.deps.limits }),
    });
  }

  private onRecord(
    bytes: Uint8Array,
    index: number,
    from: Endpoint,
    transport: Transport,
    reply?: (bytes: Uint8Array) => void,
  ): void {
    const live = this.byIndex.get(index);
    if (live === undefined) {
      this.deps.counters.recordsRejected += 1;
      this.deps.rejected('no-session', from, 'sealed record for no session of ours');
      // The sender believes in a session we lost (we restarted): offer a new one, at most once a
      // second per address (initiate() bounds it), over UDP where `from` is its socket, or to the
      // inbox of the id a relay sender named (and only that id may answer).
      if (transport === 'udp') this.discover(from, 'udp');
      else if (transport === 'relay') this.discover(from, 'relay', from.address);
      return;
    }
    const opened = live.session.receiver.open(bytes);
    if (!opened.ok) {
      const replay = opened.code === 'replayed' || opened.code === 'too-old';
      if (replay) this.deps.counters.replaysRejected += 1;
      else this.deps.counters.recordsRejected += 1;
      this.deps.rejected(replay ? 'replayed' : 'forged', from, `sealed record: ${opened.code}`);
      return;
    }
    this.deps.opened({
      peerId: live.peerId,
      inner: opened.inner,
      from,
      transport,
      header: { type: 'transport', index, counter: opened.counter.toString() },
      ...(reply === undefined ? {} : { reply }),
    });
  }

  /** Installs a new session as the peer's current one; the one before stays for stragglers. */
  private adopt(peerId: string, session: TransportSession, from: Endpoint): boolean {
    if (peerId === this.deps.nodeId) return false; // our own identity on another socket
    const atIp = this.identities.get(from.address) ?? 0;
    if (!this.byPeer.has(peerId) && atIp >= MAX_IDENTITIES_PER_IP) {
      this.deps.rejected('too-many-identities', from, 'too many node ids from one address');
      return false;
    }
    const sessions = this.byPeer.get(peerId) ?? { current: undefined, previous: undefined };
    if (sessions.previous !== undefined) this.byIndex.delete(sessions.previous.session.localIndex);
    const live: LiveSession = { peerId, session, ip: from.address };
    if (sessions.current !== undefined) this.countIdentity(sessions.current.ip, -1);
    this.countIdentity(live.ip, 1);
    this.byPeer.set(peerId, { previous: sessions.current, current: live });
    this.byIndex.set(session.localIndex, live);
    this.deps.counters.handshakesCompleted += 1;
    return true;
  }

  private countIdentity(ip: string, change: 1 | -1): void {
    const count = (this.identities.get(ip) ?? 0) + change;
    if (count > 0) this.identities.set(ip, count);
    else this.identities.delete(ip);
  }

  /**
   * Whether whoever is at `from` started a handshake with us within the last second that is not
   * finished yet (we answered it and wait for its last message).
   */
  answering(from: Endpoint, transport: Transport): boolean {
    return this.pending.answering(from, transport, this.deps.now(), INITIATE_INTERVAL_MS);
  }

  /** Room for one more pending handshake from `ip`: the oldest one goes when the table is full. */
  private makeRoom(ip: string): boolean {
    if (this.pending.fromIp(ip) >= MAX_PENDING_PER_IP) return false;
    if (this.pending.size >= MAX_PENDING) {
      const oldest = this.pending.oldest();
      if (oldest !== undefined) this.pending.delete(oldest);
    }
    return true;
  }

  private answer(
    bytes: Uint8Array,
    to: Endpoint,
    transport: Transport,
    header: SealedHeader,
    reply?: (bytes: Uint8Array) => void,
  ): void {
    if (reply !== undefined) reply(bytes);
    else this.deps.send(bytes, to, transport, header);
  }

  private handshake(role: 'initiator' | 'responder'): HandshakeState {
    return new HandshakeState({
      provider: this.deps.provider,
      role,
      staticKeyPair: this.deps.identity,
    });
  }

  private payload(): Uint8Array {
    return encoder.encode(JSON.stringify(this.deps.profile()));
  }

  /** A random 32-bit index no live session or handshake uses (the tables hold far fewer). */
  private newIndex(): number {
    for (let attempt = 0; attempt < 64; attempt += 1) {
      const bytes = this.deps.provider.randomBytes(4);
      const index = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
      if (!this.byIndex.has(index) && !this.pending.has(index)) return index;
    }
    throw new Error('no free session index after 64 random draws');
  }
}

function parsePayload(bytes: Uint8Array): HandshakePayload | undefined {
  try {
    const parsed = handshakePayloadSchema.safeParse(JSON.parse(decoder.decode(bytes)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined; // not UTF-8 or not JSON: the handshake fails like any bad message
  }
}
