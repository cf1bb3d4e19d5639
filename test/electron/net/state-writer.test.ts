import { describe, expect, it } from 'vitest';
import type { NodePersistence } from '../../../electron/net/persistence';
import { DeliveryStateWriter } from '../../../electron/net/state-writer';
import { StorageGuard } from '../../../electron/net/storage-guard';
import type { MessageStateChange } from '../../../shared/domain';

const change = (id: string): MessageStateChange => ({
  id,
  peerId: 'p',
  state: 'delivered',
  transport: 'udp',
  attempts: 1,
});

function store(batched: boolean) {
  const writes: string[][] = [];
  const persistence = {
    updateOutgoing: (c: MessageStateChange) => writes.push([c.id]),
    ...(batched
      ? {
          updateOutgoingMany: (cs: readonly MessageStateChange[]) =>
            writes.push(cs.map((c) => c.id)),
        }
      : {}),
  } as unknown as NodePersistence; // only the two methods the writer uses
  return { writes, persistence };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('DeliveryStateWriter', () => {
  it('writes the changes of one event-loop turn in one batch, after the turn', async () => {
    const { writes, persistence } = store(true);
    const writer = new DeliveryStateWriter(persistence, new StorageGuard(() => undefined));
    writer.write(change('a'));
    writer.write(change('b'));
    expect(writes).toEqual([]);
    await nextTurn();
    writer.write(change('c'));
    await nextTurn();
    expect(writes).toEqual([['a', 'b'], ['c']]);
  });

  it('writes what is queued at once on flush, and nothing twice', async () => {
    const { writes, persistence } = store(true);
    const writer = new DeliveryStateWriter(persistence, new StorageGuard(() => undefined));
    writer.write(change('a'));
    writer.flush();
    expect(writes).toEqual([['a']]);
    await nextTurn();
    expect(writes).toEqual([['a']]);
  });

  it('writes each change at once when the store cannot batch', () => {
    const { writes, persistence } = store(false);
    const writer = new DeliveryStateWriter(persistence, new StorageGuard(() => undefined));
    writer.write(change('a'));
    expect(writes).toEqual([['a']]);
  });

  it('reports a failed batch to the storage guard instead of throwing', async () => {
    const reports: unknown[] = [];
    const persistence = {
      updateOutgoing: () => undefined,
      updateOutgoingMany: () => {
        throw new Error('disk full');
      },
    } as unknown as NodePersistence;
    const writer = new DeliveryStateWriter(persistence, new StorageGuard((h) => reports.push(h)));
    writer.write(change('a'));
    await nextTurn();
    expect(reports).toHaveLength(1);
  });

  it("leaves the turn's changes to a carrier that writes them in its own transaction", async () => {
    const { writes, persistence } = store(true);
    let carried: MessageStateChange[] = [];
    const carrying = { now: true };
    const writer: DeliveryStateWriter = new DeliveryStateWriter(
      persistence,
      new StorageGuard(() => undefined),
      () => {
        if (!carrying.now) return false;
        carried = writer.take();
        writer.writeWithin(carried);
        return true;
      },
    );
    writer.write(change('a'));
    await nextTurn();
    expect(carried.map((c) => c.id)).toEqual(['a']);
    expect(writes).toEqual([['a']]); // written once, by the carrier
    carrying.now = false;
    writer.write(change('b'));
    await nextTurn();
    expect(writes).toEqual([['a'], ['b']]);
  });

  it('queues changes given back after a failed transaction before newer ones', async () => {
    const { writes, persistence } = store(true);
    const writer = new DeliveryStateWriter(persistence, new StorageGuard(() => undefined));
    writer.write(change('a'));
    const taken = writer.take();
    writer.write(change('b'));
    writer.restore(taken);
    await nextTurn();
    expect(writes).toEqual([['a', 'b']]);
  });
});
