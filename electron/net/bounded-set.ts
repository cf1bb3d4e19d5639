/**
 * The oldest key of `items` through a kept iterator. A fresh `keys().next()` walks over every
 * slot deleted since the table was last compacted (up to the capacity, at each eviction); the
 * kept one is past them already. Everything before it was evicted, and a key re-inserted goes to
 * the end, so the next key it yields is always the oldest one in the table.
 */
class OldestCursor<K> {
  private cursor: Iterator<K> | undefined;

  constructor(private readonly items: { keys(): Iterator<K> }) {}

  next(): IteratorResult<K> {
    const step = this.cursor?.next();
    if (step !== undefined && step.done !== true) return step;
    // Never started, or it ran off the end (an exhausted iterator stays done): start again.
    this.cursor = this.items.keys();
    return this.cursor.next();
  }
}

/** A set that forgets its oldest entries beyond `capacity` (insertion order). */
export class BoundedSet<T> {
  private readonly items = new Set<T>();
  private readonly oldest = new OldestCursor<T>(this.items);

  constructor(private readonly capacity: number) {}

  has(value: T): boolean {
    return this.items.has(value);
  }

  add(value: T): void {
    this.items.delete(value);
    this.items.add(value);
    while (this.items.size > this.capacity) {
      const oldest = this.oldest.next();
      if (oldest.done === true) break;
      this.items.delete(oldest.value);
    }
  }

  delete(value: T): boolean {
    return this.items.delete(value);
  }

  get size(): number {
    return this.items.size;
  }
}

/** A map that forgets its least recently used entries beyond `capacity`. */
export class BoundedMap<K, V> {
  private readonly items = new Map<K, V>();
  private readonly oldest = new OldestCursor<K>(this.items);
  /**
   * The most recently used key, while it is in the map: reading it again changes no order, so
   * the move to the end (a delete and an insert) is skipped. A stream's every packet reads its
   * peer's entry, which is nearly always the newest.
   */
  private newestKey: K | undefined;
  private hasNewest = false;

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.items.get(key);
    if (value !== undefined && !(this.hasNewest && this.newestKey === key)) {
      this.items.delete(key);
      this.items.set(key, value);
      this.newestKey = key;
      this.hasNewest = true;
    }
    return value;
  }

  set(key: K, value: V): void {
    this.items.delete(key);
    this.items.set(key, value);
    this.newestKey = key;
    this.hasNewest = true;
    while (this.items.size > this.capacity) {
      const oldest = this.oldest.next();
      if (oldest.done === true) break;
      this.delete(oldest.value);
    }
  }

  delete(key: K): boolean {
    if (this.hasNewest && this.newestKey === key) {
      this.hasNewest = false;
      this.newestKey = undefined;
    }
    return this.items.delete(key);
  }

  get size(): number {
    return this.items.size;
  }

  /** Every entry, least recently used first, without touching their order. */
  entries(): IterableIterator<[K, V]> {
    return this.items.entries();
  }

  has(key: K): boolean {
    return this.items.has(key);
  }
}
