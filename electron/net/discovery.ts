import { formatEndpoint, parseEndpoint, type Endpoint } from '../../shared/address';
import type { PeerStatus } from '../../shared/domain';
import type { AnnouncePacket, AnnounceReplyPacket } from '../../shared/protocol/packets';
import { discoveryTargets, type ResolvedOptions } from './node-options';
import type { Timers } from './timers';

export interface DiscoveryDeps {
  readonly options: ResolvedOptions;
  readonly timers: Timers;
  send(packet: AnnouncePacket | AnnounceReplyPacket, to: Endpoint): void;
  /** What this node currently says about itself. */
  self(): {
    nick: string;
    status: PeerStatus;
    statusText: string;
    avatarHue: number | undefined;
    clientPort: number;
    tcpPort: number | null;
  };
}

/** Announces: at start, periodically with jitter, to every target; replies after a random delay. */
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
    this.deps.send(this.packet('announce'), to);
  }

  announceAll(): void {
    const announce = this.packet('announce');
    for (const target of this.targets()) this.deps.send(announce, target);
  }

  /** Answers an announce once, after 0..replyMaxDelay ms, so a broadcast is not answered in a storm. */
  scheduleReply(peerId: string, to: Endpoint): void {
    if (this.pendingReplies.has(peerId)) return;
    this.pendingReplies.add(peerId);
    const { random, replyMaxDelayMs } = this.deps.options;
    this.deps.timers.after(random() * replyMaxDelayMs, () => {
      this.pendingReplies.delete(peerId);
      this.deps.send(this.packet('announce-reply'), to);
    });
  }

  private scheduleNext(): void {
    const { announceIntervalMs, random } = this.deps.options;
    this.deps.timers.after(announceIntervalMs * (0.9 + 0.2 * random()), () => {
      this.announceAll();
      this.scheduleNext();
    });
  }

  private packet(kind: 'announce' | 'announce-reply'): AnnouncePacket | AnnounceReplyPacket {
    const self = this.deps.self();
    return {
      kind,
      from: this.deps.options.nodeId,
      nick: self.nick,
      host: this.deps.options.host,
      port: self.clientPort,
      tcp: self.tcpPort ?? 0,
      status: self.status,
      ...(self.statusText === '' ? {} : { statusText: self.statusText }),
      ...(self.avatarHue === undefined ? {} : { hue: self.avatarHue }),
    };
  }
}
