import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedMap, BoundedSet } from '../../../electron/net/bounded-set';

/** The plain least-recently-used map BoundedMap must behave as (every read moves its key). */
class ModelLru {
  readonly items = new Map<number, number>();
  constructor(private readonly capacity: number) {}
  get(key: number): number | undefined {
    const value = this.items.get(key);
    if (value !== undefined) {
      this.items.delete(key);
      this.items.set(key, value);
    }
    return value;
  }
  set(key: number, value: number): void {
    this.items.delete(key);
    this.items.set(key, value);
    while (this.items.size > this.capacity) this.items.delete(this.items.keys().next().value!);
  }
  delete(key: number): boolean {
    return this.items.delete(key);
  }
}

describe('BoundedMap', () => {
  it('forgets the least recently used entry, reads counting as use', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).toBe(1); // a is now newer than b
    map.set('c', 3);
    expect([...map.entries()]).toEqual([
      ['a', 1],
      ['c', 3],
    ]);
  });

  it('keeps the same order and entries as a plain LRU map over any operations', () => {
    const op = fc.oneof(
      fc.tuple(fc.constant('get' as const), fc.integer({ min: 0, max: 6 })),
      fc.tuple(fc.constant('set' as const), fc.integer({ min: 0, max: 6 })),
      fc.tuple(fc.constant('delete' as const), fc.integer({ min: 0, max: 6 })),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(op, { maxLength: 60 }), (cap, ops) => {
        const map = new BoundedMap<number, number>(cap);
        const model = new ModelLru(cap);
        ops.forEach(([name, key], i) => {
          if (name === 'get') expect(map.get(key)).toBe(model.get(key));
          else if (name === 'set') {
            map.set(key, i);
            model.set(key, i);
          } else expect(map.delete(key)).toBe(model.delete(key));
          expect([...map.entries()]).toEqual([...model.items.entries()]);
        });
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('BoundedSet', () => {
  it('keeps the same members, oldest first, as a plain set that drops its oldest over capacity', () => {
    const op = fc.tuple(
      fc.constantFrom('add' as const, 'delete' as const),
      fc.integer({ min: 0, max: 8 }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(op, { maxLength: 80 }), (cap, ops) => {
        const set = new BoundedSet<number>(cap);
        const model = new Set<number>();
        for (const [name, value] of ops) {
          if (name === 'add') {
            set.add(value);
            model.delete(value);
            model.add(value);
            while (model.size > cap) model.delete(model.values().next().value!);
          } else expect(set.delete(value)).toBe(model.delete(value));
          expect(set.size).toBe(model.size);
          for (let v = 0; v <= 8; v += 1) expect(set.has(v)).toBe(model.has(v));
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('evicts in insertion order over many more adds than it holds', () => {
    const set = new BoundedSet<number>(3);
    for (let i = 0; i < 10_000; i += 1) set.add(i);
    expect([9_997, 9_998, 9_999].every((v) => set.has(v))).toBe(true);
    expect(set.has(9_996)).toBe(false);
    expect(set.size).toBe(3);
  });
});
