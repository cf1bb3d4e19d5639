import { formatEndpoint, parseEndpoint, type Endpoint } from '../../shared/address';
import type { AnnouncePacket } from '../../shared/protocol/packets';
import { discoveryTargets, type ResolvedOptions } from './node-options';
import type { Timers } from './timers';

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
