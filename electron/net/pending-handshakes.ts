import { formatEndpoint, type Endpoint } from '../../shared/address';
import type { Transport } from '../../shared/domain';
import type { HandshakeState } from './crypto/noise';

export interface Pending {
  readonly state: HandshakeState;
  readonly localIndex: number;
  readonly remoteIndex?: number;
  readonly to: Endpoint;
  readonly transport: Transport;
  readonly startedAt: number;
  /**
   * The id expected at the other end (an announce or a relay topic named it); a handshake that
   * proves another key is refused.
   */
  readonly expectedId?: string;
}

/** An address over a transport: where a handshake came from, or goes when no id is named. */
function endpointKey(endpoint: Endpoint, transport: Transport): string {
  return `${transport} ${formatEndpoint(endpoint)}`;
}

/** Where a handshake of ours goes: the id it expects when one is named, else the address. */
export function targetKey(to: Endpoint, transport: Transport, expectedId?: string): string {
  return expectedId === undefined ? endpointKey(to, transport) : `id ${expectedId}`;
}

/**
 * The handshakes in progress, by local index, with the indexes the hot questions need: the
 * newest handshake we started toward a target, the newest one we answered from a source, and how
 * many are in progress per IP. Every question is a map lookup, not a scan of the table (a node
 * meeting 200 peers at once holds hundreds).
 */
export class PendingHandshakes {
  private readonly byIndex = new Map<number, Pending>();
  private readonly initiated = new Map<string, number>();
  private readonly answered = new Map<string, number>();
  private readonly perIp = new Map<string, number>();

  get size(): number {
    return this.byIndex.size;
  }

  get(index: number): Pending | undefined {
    return this.byIndex.get(index);
  }

  has(index: number): boolean {
    return this.byIndex.has(index);
  }

  add(pending: Pending): void {
    this.byIndex.set(pending.localIndex, pending);
    if (pending.state.role === 'initiator') {
      this.initiated.set(
        targetKey(pending.to, pending.transport, pending.expectedId),
        pending.localIndex,
      );
    } else {
      this.answered.set(endpointKey(pending.to, pending.transport), pending.localIndex);
    }
    const ip = pending.to.address;
    this.perIp.set(ip, (this.perIp.get(ip) ?? 0) + 1);
  }

  delete(index: number): void {
    const pending = this.byIndex.get(index);
    if (pending === undefined) return;
    this.byIndex.delete(index);
    const [indexes, key] =
      pending.state.role === 'initiator'
        ? [this.initiated, targetKey(pending.to, pending.transport, pending.expectedId)]
        : [this.answered, endpointKey(pending.to, pending.transport)];
    if (indexes.get(key) === index) indexes.delete(key);
    const ip = pending.to.address;
    const left = (this.perIp.get(ip) ?? 1) - 1;
    if (left > 0) this.perIp.set(ip, left);
    else this.perIp.delete(ip);
  }

  /** The oldest handshake's index (the table keeps insertion order). */
  oldest(): number | undefined {
    const first = this.byIndex.keys().next();
    return first.done === true ? undefined : first.value;
  }

  /** How many handshakes with `ip` are in progress, either way. */
  fromIp(ip: string): number {
    return this.perIp.get(ip) ?? 0;
  }

  /** Whether we started a handshake toward the target less than `withinMs` ago. */
  initiatedTo(key: string, now: number, withinMs: number): boolean {
    return this.isRecent(this.initiated.get(key), now, withinMs);
  }

  /** Whether whoever is at `from` started a handshake with us less than `withinMs` ago. */
  answering(from: Endpoint, transport: Transport, now: number, withinMs: number): boolean {
    return this.isRecent(this.answered.get(endpointKey(from, transport)), now, withinMs);
  }

  /** Drops the handshakes started `timeoutMs` ago or more. */
  expire(now: number, timeoutMs: number): void {
    for (const [index, pending] of this.byIndex)
      if (now - pending.startedAt >= timeoutMs) this.delete(index);
  }

  clear(): void {
    this.byIndex.clear();
    this.initiated.clear();
    this.answered.clear();
    this.perIp.clear();
  }

  private isRecent(index: number | undefined, now: number, withinMs: number): boolean {
    const pending = index === undefined ? undefined : this.byIndex.get(index);
    return pending !== undefined && now - pending.startedAt < withinMs;
  }
}
