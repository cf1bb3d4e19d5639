import type { Endpoint } from '../../shared/address';
import type { Via } from '../../shared/domain';
import { MAX_STRANGERS } from '../../shared/protocol/constants';
import { strangerId } from '../../shared/stranger-id';
import type { Stranger } from './types';

/** Plain-UDP correspondents by IP:port, bounded (the longest silent is forgotten first). */
export class StrangerTable {
  private readonly strangers = new Map<string, Stranger>();

  constructor(private readonly max = MAX_STRANGERS) {}

  /** Records a datagram; returns the stranger and whether it is new. */
  observe(from: Endpoint, via: Via, now: number): { stranger: Stranger; added: boolean } {
    const id = strangerId(from);
    const known = this.strangers.get(id);
    const stranger: Stranger = {
      id,
      address: from.address,
      port: from.port,
      via,
      firstSeen: known?.firstSeen ?? now,
      lastSeen: now,
    };
    this.strangers.delete(id);
    this.strangers.set(id, stranger);
    if (this.strangers.size > this.max) {
      const oldest = this.strangers.keys().next();
      if (oldest.done !== true) this.strangers.delete(oldest.value);
    }
    return { stranger, added: known === undefined };
  }

  get(id: string): Stranger | undefined {
    return this.strangers.get(id);
  }

  list(): Stranger[] {
    return [...this.strangers.values()];
  }
}

/** Splits text into pieces of at most `maxBytes` UTF-8 bytes, on code point boundaries. */
export function splitUtf8(text: string, maxBytes: number): string[] {
  const encoder = new TextEncoder();
  const pieces: string[] = [];
  let current = '';
  let size = 0;
  for (const codePoint of text) {
    const bytes = encoder.encode(codePoint).byteLength;
    if (size + bytes > maxBytes && current !== '') {
      pieces.push(current);
      current = '';
      size = 0;
    }
    current += codePoint;
    size += bytes;
  }
  if (current !== '') pieces.push(current);
  return pieces;
}
