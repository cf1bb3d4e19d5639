// Group commit at the sender (electron/net/text-sender.ts): the texts of one event-loop turn are
// stored in one transaction of a real SQLite file, each goes to the network only after it, and a
// transaction that fails sends nothing and leaves the stream's numbers as if none was made.
import { afterEach, describe, expect, it } from 'vitest';
import { storePersistence } from '../../../electron/app/persistence-adapter';
import {
  createNode,
  NodeError,
  type PacketChatNode,
  type StorageHealth,
} from '../../../electron/net/index';
import type { OutgoingRecord } from '../../../electron/net/persistence';
import { openStore } from '../../../electron/store/open-store';
import type { Store } from '../../../electron/store/store';
import type { ChatMessage, MessageStateChange } from '../../../shared/domain';
import { LOOPBACK_BROADCAST, testPorts } from '../../helpers/ports';
import { useTempDirs } from '../../helpers/temp-dir';
import { waitUntil } from '../../helpers/wait';

const tempDir = useTempDirs();
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean();
});

/** The store's outermost transactions, numbered, and the one each outgoing row was written in. */
interface Counted {
  readonly store: Store;
  /** Message id → number of the transaction that inserted it. */
  readonly insertedIn: Map<string, number>;
  /** Message id → numbers of the transactions that wrote its delivery states. */
  readonly updatedIn: Map<string, number[]>;
}

function countedStore(): Counted {
  const { store } = openStore(tempDir());
  cleanups.push(() => store.close());
  const insertedIn = new Map<string, number>();
  let transactions = 0;
  let depth = 0;
  const transaction = store.sql.transaction.bind(store.sql);
  store.sql.transaction = <T>(fn: () => T): T => {
    if (depth === 0) transactions += 1;
    depth += 1;
    try {
      return transaction(fn);
    } finally {
      depth -= 1;
    }
  };
  const insertOutgoing = store.insertOutgoing.bind(store);
  store.insertOutgoing = (record: OutgoingRecord): void => {
    insertOutgoing(record);
    insertedIn.set(record.id, transactions);
  };
  const updatedIn = new Map<string, number[]>();
  const updateOutgoing = store.updateOutgoing.bind(store);
  store.updateOutgoing = (change: MessageStateChange): void => {
    updateOutgoing(change);
    updatedIn.set(change.id, [...(updatedIn.get(change.id) ?? []), transactions]);
  };
  return { store, insertedIn, updatedIn };
}

async function pair(store: Store): Promise<{ a: PacketChatNode; b: PacketChatNode }> {
  const ports = testPorts();
  const quick = {
    ...ports,
    broadcast: [LOOPBACK_BROADCAST],
    rto: { initialMs: 50, minMs: 50, maxMs: 400, jitter: 0.2 },
  };
  const a = createNode({ ...quick, nick: 'sender', persistence: storePersistence(store) });
  const b = createNode({ ...quick, nick: 'receiver', clientPort: ports.clientPort + 10 });
  cleanups.push(
    () => a.close(),
    () => b.close(),
  );
  await Promise.all([a.start(), b.start()]);
  await waitUntil(
    () => a.peerList().some((p) => p.id === b.id && p.online),
    5_000,
    'the sender to see the receiver',
  );
  return { a, b };
}

function delivered(node: PacketChatNode): Set<string> {
  const ids = new Set<string>();
  node.on('message-state', (c) => {
    if (c.state === 'delivered') ids.add(c.id);
  });
  return ids;
}

function outgoingTexts(store: Store): string[] {
  return store.sql
    .all<{ text: string }>("SELECT text FROM messages WHERE direction = 'out' ORDER BY seq")
    .map((r) => r.text);
}

describe('group commit of sent messages', () => {
  it('stores the texts of one turn in one transaction, then delivers each once, in order', async () => {
    const { store, insertedIn } = countedStore();
    const { a, b } = await pair(store);
    const acked = delivered(a);
    const got: string[] = [];
    b.on('message', (m) => got.push(m.text));

    const texts = Array.from({ length: 40 }, (_, i) => `burst ${i}`);
    const sent = await Promise.all(texts.map((text) => a.sendText(b.id, text)));
    // Resolved means stored: every row is there, all written by one transaction.
    expect(outgoingTexts(store)).toEqual(texts);
    expect(new Set(sent.map((m) => insertedIn.get(m.id))).size).toBe(1);
    expect(sent.map((m) => m.seq)).toEqual(texts.map((_, i) => (sent[0]?.seq ?? 0) + i));

    // Awaited one by one, each text is a turn of its own: a transaction each.
    const one = await a.sendText(b.id, 'alone 1');
    const two = await a.sendText(b.id, 'alone 2');
    expect(insertedIn.get(two.id)).not.toBe(insertedIn.get(one.id));

    const all = [...sent, one, two];
    await waitUntil(() => all.every((m) => acked.has(m.id)), 10_000, 'every text acknowledged');
    expect(got).toEqual([...texts, 'alone 1', 'alone 2']);
  });

  it("stores a text sent in the turn of an ack with that ack's delivery state: one commit", async () => {
    const { store, insertedIn, updatedIn } = countedStore();
    const { a, b } = await pair(store);
    const acked = delivered(a);
    const stateOf = (id: string): string | undefined =>
      store.sql.get<{ state: string }>('SELECT state FROM messages WHERE id = ?', id)?.state;
    const first = await a.sendText(b.id, 'first');
    // As a chat does: the next text goes out in the turn the ack of the one before came in.
    const next = new Promise<{ message: ChatMessage; stateThen: string | undefined }>(
      (resolve, reject) => {
        a.on('message-state', (change) => {
          if (change.id !== first.id || change.state !== 'delivered') return;
          let stateThen: string | undefined;
          // Whatever runs after the turn (the backend's tallies) reads the state written.
          setImmediate(() => (stateThen = stateOf(first.id)));
          a.sendText(b.id, 'second').then(
            (message) => setImmediate(() => resolve({ message, stateThen })),
            reject,
          );
        });
      },
    );
    const { message: second, stateThen } = await next;
    expect(stateThen).toBe('delivered');
    // The state went into the second text's transaction: one commit before it was sent, not two.
    expect(updatedIn.get(first.id)).toEqual([insertedIn.get(second.id)]);
    // With no text after it, the last state is written in a transaction of its own.
    await waitUntil(
      () => stateOf(second.id) === 'delivered',
      5_000,
      'the second text stored as delivered',
    );
    expect(acked.has(second.id)).toBe(true);
  });

  it('sends nothing of a batch whose transaction fails, and numbers on as if it never was', async () => {
    const { store } = countedStore();
    const { a, b } = await pair(store);
    const acked = delivered(a);
    const got: ChatMessage[] = [];
    b.on('message', (m) => got.push(m));
    const health: StorageHealth[] = [];
    a.on('storage', (h) => health.push(h));
    const before = await a.sendText(b.id, 'before');
    await waitUntil(() => acked.has(before.id), 5_000, 'the first text acknowledged');

    // A real SQLite error inside the batch's transaction: the row of one text is refused.
    store.sql.run(
      "CREATE TRIGGER refuse BEFORE INSERT ON messages WHEN NEW.text = 'refused' " +
        "BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
    );
    const sentBefore = a.info().counters.messagesSent;
    const batch = await Promise.allSettled([
      a.sendText(b.id, 'lost 1'),
      a.sendText(b.id, 'refused'),
      a.sendText(b.id, 'lost 2'),
    ]);
    for (const result of batch) {
      expect(result.status).toBe('rejected');
      if (result.status === 'rejected') {
        expect(result.reason).toBeInstanceOf(NodeError);
        expect((result.reason as NodeError).code).toBe('storage');
      }
    }
    expect(health).toHaveLength(1);
    expect(health[0]).toMatchObject({ ok: false });
    expect(a.info().counters.messagesSent).toBe(sentBefore);
    expect(outgoingTexts(store)).toEqual(['before']);

    store.sql.run('DROP TRIGGER refuse');
    const after = await a.sendText(b.id, 'after');
    // The failed batch took no numbers: the next text follows the last stored one.
    expect(after.seq).toBe(before.seq + 1);
    expect(store.getOutboundStream(b.id)?.nextSeq).toBe(before.seq + 2);
    await waitUntil(() => acked.has(after.id), 5_000, 'the text after the failure acknowledged');
    // The receiver saw none of the batch: nothing was sent, nothing was skipped.
    expect(got.map((m) => [m.text, m.seq])).toEqual([
      ['before', before.seq],
      ['after', before.seq + 1],
    ]);
    expect(outgoingTexts(store)).toEqual(['before', 'after']);
  });
});
