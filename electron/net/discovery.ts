import { formatEndpoint, parseEndpoint, type Endpoint } from '../../shared/address';
import type { AnnouncePacket } from '../../shared/protocol/packets';
import { BoundedMap } from './bounded-set';
import { discoveryTargets, type ResolvedOptions } from './node-options';
import type { Timers } from './timers';

/**
 * A peer that should start the handshake (its id is the lower) and was told we are here gets this
 * long to do it; an announce of it after that, still without a session, makes us start one.
 */
const LEAD_WAIT_MS = 5_000;
/** A wait older than this is forgotten: the peer's next announce starts a new one. */
const LEAD_FORGET_MS = 60_000;
/** Peers whose handshake we wait for, at most (the least recently consulted wait goes first). */
const MAX_LEAD_WAITS = 4_096;

export interface DiscoveryDeps {
  readonly options: ResolvedOptions;
  readonly timers: Timers;
  send(packet: AnnouncePacket, to: Endpoint): void;
  /** Where this node currently listens. */
  self(): { clientPort: number; tcpPort: number | null };
}

/**
 * Announces in the clear: at start, periodically with jitter, to every target. An announce only
 * says "a node with this id listens here"; who it is comes from the handshake it prompts.
 * Answers to announces wait a random delay, so a broadcast is not answered in a storm.
 */
export class Discovery {
  private readonly manual: Endpoint[] = [];
  private readonly pendingReplies = new Set<string>();
  /** When we first told each peer that should start the handshake that we are here. */
  private readonly leadWaits = new BoundedMap<string, number>(MAX_LEAD_WAITS);

  constructor(private readonly deps: DiscoveryDeps) {}

  start(): void {
    this.announceAll();
    this.scheduleNext();
  }

  targets(): Endpoint[] {
    return discoveryTargets(this.deps.options, this.manual);
  }

  /** Adds a target by hand (`IP` means the server port); returns it, or undefined if invalid. */
  add(text: string): Endpoint | undefined {
    const endpoint = parseEndpoint(text, this.deps.options.serverPort);
    if (endpoint === undefined) return undefined;
    if (!this.manual.some((t) => formatEndpoint(t) === formatEndpoint(endpoint))) {
      this.manual.push(endpoint);
    }
    return endpoint;
  }

  announceTo(to: Endpoint): void {
    this.deps.send(this.packet(), to);
  }

  announceAll(): void {
    const announce = this.packet();
    for (const target of this.targets()) this.deps.send(announce, target);
  }

  /** Runs `answer` for `peerId` once, after 0..replyMaxDelay ms. */
  scheduleReply(peerId: string, answer: () => void): void {
    if (this.pendingReplies.has(peerId)) return;
    this.pendingReplies.add(peerId);
    const { random, replyMaxDelayMs } = this.deps.options;
    this.deps.timers.after(random() * replyMaxDelayMs, () => {
      this.pendingReplies.delete(peerId);
      answer();
    });
  }

  /**
   * Whether this node starts the handshake with `peerId`, which announced itself and has no
   * session with us. Of two nodes that meet, one handshake is enough, and both usually hear the
   * other's announce: the node with the lower id starts it, the other answers the announce with
   * its own (the peer may have missed ours) and waits. Two handshakes would cost both sides twice
   * the key agreements, the bulk of a discovery's CPU. A peer that lets LEAD_WAIT_MS pass without
   * one (its packets lost, or it cannot reach us) is not waited for again: at its next announce
   * we start it.
   */
  leads(peerId: string, now: number): boolean {
    if (this.deps.options.nodeId < peerId) return true;
    const since = this.leadWaits.get(peerId);
    if (since !== undefined && now - since < LEAD_FORGET_MS) return now - since >= LEAD_WAIT_MS;
    this.leadWaits.set(peerId, now);
    return false;
  }

  private scheduleNext(): void {
    const { announceIntervalMs, random } = this.deps.options;
    this.deps.timers.after(announceIntervalMs * (0.9 + 0.2 * random()), () => {
      this.announceAll();
      this.scheduleNext();
    });
  }

  private packet(): AnnouncePacket {
    const self = this.deps.self();
    return {
      kind: 'announce',
      from: this.deps.options.nodeId,
      port: self.clientPort,
      tcp: self.tcpPort ?? 0,
    };
  }
}
