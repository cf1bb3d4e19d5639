import type { Endpoint } from '../../shared/address';
import type { ChatMessage, Via } from '../../shared/domain';
import { MAX_STRANGERS } from '../../shared/protocol/constants';
import { strangerId } from '../../shared/stranger-id';
import type { Stranger } from './types';

/** One host may appear as this many strangers (source ports) at once; a new one evicts its oldest. */
export const MAX_STRANGERS_PER_IP = 16;
/** Messages of a stranger nobody has looked at yet, kept in memory only. */
export const MAX_UNKEPT_PER_STRANGER = 50;

interface Entry {
  stranger: Stranger;
  /** A person looked at the conversation or answered: its messages are stored. */
  kept: boolean;
  /** Messages received while not kept, oldest first. */
  readonly unkept: ChatMessage[];
}

/**
 * Plain-UDP correspondents by IP:port, bounded in all and per source IP (the longest silent is
 * forgotten first), with the messages of strangers nobody has looked at yet held in memory.
 */
export class StrangerTable {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly max = MAX_STRANGERS) {}

  /** Records a datagram; returns the stranger, whether it is new, and whether it is kept. */
  observe(
    from: Endpoint,
    via: Via,
    now: number,
  ): { stranger: Stranger; added: boolean; kept: boolean } {
    const id = strangerId(from);
    const known = this.entries.get(id);
    const stranger: Stranger = {
      id,
      address: from.address,
      port: from.port,
      via,
      firstSeen: known?.stranger.firstSeen ?? now,
      lastSeen: now,
    };
    if (known === undefined) this.makeRoom(from.address);
    const entry: Entry = known ?? { stranger, kept: false, unkept: [] };
    entry.stranger = stranger;
    this.entries.delete(id);
    this.entries.set(id, entry);
    return { stranger, added: known === undefined, kept: entry.kept };
  }

  /** Holds a message of a stranger nobody has looked at (the oldest beyond the bound go). */
  hold(id: string, message: ChatMessage): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    entry.unkept.push(message);
    if (entry.unkept.length > MAX_UNKEPT_PER_STRANGER) entry.unkept.shift();
  }

  /** Marks the stranger kept; returns the messages held until now, to be stored. */
  keep(id: string): ChatMessage[] {
    const entry = this.entries.get(id);
    if (entry === undefined) return [];
    entry.kept = true;
    return entry.unkept.splice(0);
  }

  get(id: string): Stranger | undefined {
    return this.entries.get(id)?.stranger;
  }

  list(): Stranger[] {
    return [...this.entries.values()].map((e) => e.stranger);
  }

  private makeRoom(ip: string): void {
    const sameIp = [...this.entries.values()].filter((e) => e.stranger.address === ip);
    if (sameIp.length >= MAX_STRANGERS_PER_IP && sameIp[0] !== undefined)
      this.entries.delete(sameIp[0].stranger.id);
    if (this.entries.size >= this.max) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
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
