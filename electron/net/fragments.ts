import {
  MAX_INNER_DATAGRAM_BYTES,
  MAX_FRAGMENTS,
  MAX_PARTIAL_BYTES,
  MAX_PARTIAL_MESSAGES,
  MAX_PARTIAL_PER_PEER,
  MAX_TEXT_BYTES,
  REASSEMBLY_TIMEOUT_MS,
} from '../../shared/protocol/constants';
import { encodingLength } from '../../shared/protocol/codec';
import { BoundedSet } from './bounded-set';
import type { FragPacket, TextPacket } from '../../shared/protocol/packets';

/**
 * Splits a text packet into `frag` packets that each fit one datagram. Pieces end on code point
 * boundaries; each piece is as long as its JSON encoding allows (escapes make that vary).
 */
export function fragmentText(
  packet: TextPacket,
  maxBytes = MAX_INNER_DATAGRAM_BYTES,
): FragPacket[] {
  const { text, kind: _kind, ...rest } = packet;
  const codePoints = Array.from(text);
  const base: FragPacket = {
    kind: 'frag',
    ...rest,
    index: MAX_FRAGMENTS - 1,
    count: MAX_FRAGMENTS,
    data: '',
  };
  // Cut with the largest possible floor: a retransmission carries a newer floor, and the cuts
  // must not move with it, or pieces of two transmissions would join into a different text.
  const sizing: FragPacket = { ...base, floor: Number.MAX_SAFE_INTEGER };
  const pieces: string[] = [];
  let start = 0;
  while (start < codePoints.length) {
    // Binary search the longest run of code points whose fragment still fits the datagram.
    let low = 1;
    let high = codePoints.length - start;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      const data = codePoints.slice(start, start + mid).join('');
      if (encodingLength({ ...sizing, data }) <= maxBytes) low = mid;
      else high = mid - 1;
    }
    pieces.push(codePoints.slice(start, start + low).join(''));
    start += low;
  }
  if (pieces.length > MAX_FRAGMENTS) throw new RangeError(`text needs ${pieces.length} fragments`);
  return pieces.map((data, index) => ({ ...base, index, count: pieces.length, data }));
}

interface Partial {
  readonly first: FragPacket;
  readonly pieces: (string | undefined)[];
  received: number;
  bytes: number;
  readonly startedAt: number;
}

export type ReassemblyResult =
  | { readonly status: 'complete'; readonly packet: TextPacket }
  | { readonly status: 'partial' | 'duplicate' }
  | { readonly status: 'rejected'; readonly reason: string };

/**
 * Puts fragments back together with strict limits: a bounded number of partial messages in all
 * and per peer, a bounded number of bytes, and a timeout after which a partial message is dropped.
 * Fragments may arrive in any order, repeated, or not at all.
 */
export class Reassembler {
  private readonly partials = new Map<string, Partial>();
  /** Messages completed lately: their late duplicate fragments must not start a new partial. */
  private readonly completed = new BoundedSet<string>(1_024);
  private totalBytes = 0;

  constructor(
    private readonly limits = {
      maxMessages: MAX_PARTIAL_MESSAGES,
      maxPerPeer: MAX_PARTIAL_PER_PEER,
      maxBytes: MAX_PARTIAL_BYTES,
      timeoutMs: REASSEMBLY_TIMEOUT_MS,
    },
  ) {}

  get size(): number {
    return this.partials.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  accept(fragment: FragPacket, now: number): ReassemblyResult {
    this.expire(now);
    if (fragment.index >= fragment.count)
      return { status: 'rejected', reason: 'index beyond count' };
    const key = `${fragment.from} ${fragment.id}`;
    if (this.completed.has(key)) return { status: 'duplicate' };
    let partial = this.partials.get(key);
    if (partial === undefined) {
      const refused = this.refuseNew(fragment.from);
      if (refused !== undefined) return { status: 'rejected', reason: refused };
      partial = {
        first: fragment,
        pieces: new Array<string | undefined>(fragment.count),
        received: 0,
        bytes: 0,
        startedAt: now,
      };
      this.partials.set(key, partial);
    } else if (!sameMessage(partial.first, fragment)) {
      return {
        status: 'rejected',
        reason: 'fragment disagrees with earlier fragments of its message',
      };
    }
    if (partial.pieces[fragment.index] !== undefined) return { status: 'duplicate' };
    const size = fragment.data.length * 3; // upper bound of its UTF-8 size, cheap to compute
    if (
      partial.bytes + size > MAX_TEXT_BYTES * 3 ||
      this.totalBytes + size > this.limits.maxBytes
    ) {
      this.drop(key);
      return { status: 'rejected', reason: 'reassembly memory limit' };
    }
    partial.pieces[fragment.index] = fragment.data;
    partial.received += 1;
    partial.bytes += size;
    this.totalBytes += size;
    if (partial.received < fragment.count) return { status: 'partial' };
    this.drop(key);
    this.completed.add(key);
    const { index: _i, count: _c, data: _d, kind: _k, ...fields } = partial.first;
    return {
      status: 'complete',
      packet: { kind: 'text', ...fields, text: partial.pieces.join('') },
    };
  }

  /** Drops partial messages older than the timeout. */
  expire(now: number): number {
    let dropped = 0;
    for (const [key, partial] of this.partials) {
      if (now - partial.startedAt >= this.limits.timeoutMs) {
        this.drop(key);
        dropped += 1;
      }
    }
    return dropped;
  }

  /**
   * Room for one more partial message from `from`, or why not. When every slot is taken, the peer
   * holding the most gives up its oldest, if it holds more than `from` does: otherwise one host
   * with a few authenticated identities (8 slots each) could keep every slot and starve the long
   * messages of everyone else. Max-min fair, so a peer's partial message is only ever evicted by
   * a peer that holds fewer.
   */
  private refuseNew(from: string): string | undefined {
    const held = new Map<string, { count: number; oldest: string }>();
    for (const [key, partial] of this.partials) {
      const peer = partial.first.from;
      const entry = held.get(peer);
      // Map order is insertion order: the first key seen per peer is its oldest.
      if (entry === undefined) held.set(peer, { count: 1, oldest: key });
      else entry.count += 1;
    }
    const mine = held.get(from)?.count ?? 0;
    if (mine >= this.limits.maxPerPeer) return 'too many partial messages from this peer';
    if (this.partials.size < this.limits.maxMessages) return undefined;
    // Among peers holding equally many, the one whose oldest partial message is oldest.
    let busiest: { count: number; oldest: string } | undefined;
    for (const entry of held.values()) if (entry.count > (busiest?.count ?? 0)) busiest = entry;
    if (busiest === undefined || busiest.count <= mine) return 'too many partial messages';
    this.drop(busiest.oldest);
    return undefined;
  }

  private drop(key: string): void {
    const partial = this.partials.get(key);
    if (partial === undefined) return;
    this.totalBytes -= partial.bytes;
    this.partials.delete(key);
  }
}

function sameMessage(a: FragPacket, b: FragPacket): boolean {
  return (
    a.epoch === b.epoch &&
    a.seq === b.seq &&
    a.count === b.count &&
    a.ts === b.ts &&
    a.control === b.control
  );
}
