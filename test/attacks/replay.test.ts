/**
 * Attack 3, replay: sealed records alice sent to bob, captured on the wire and sent again (a)
 * within the replay window, (b) beyond it, (c) after a rekey, (d) after a restart of either side,
 * (e) to carol, from the address carol knows alice by. Not one is accepted: no message event,
 * and bob's (or carol's) replay or record counters account for them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PacketChatNode } from '../../electron/net/node';
import type { MessageStateChange, NodeCounters } from '../../shared/domain';
import { waitForEvent, waitUntil } from '../helpers/wait';
import { report } from './measure';
import { startTrio, type Trio } from './trio';

let trio: Trio | undefined;
afterEach(async () => {
  await trio?.close();
  trio = undefined;
});

/**
 * Sends `n` texts from alice to bob, one at a time, each after the last was acknowledged: each
 * goes in a record of its own (texts of one turn would share a bundle, docs/PROTOCOL.md), so the
 * records captured and the session's record counts grow with `n`.
 */
async function chat(t: Trio, n: number, label: string): Promise<void> {
  for (let i = 0; i < n; i += 1) {
    const sent = await t.alice.sendText(t.bob.id, `${label} ${i}`);
    await waitForEvent<MessageStateChange>(
      t.alice,
      'message-state',
      (u) => u.id === sent.id && u.state === 'delivered',
      15_000,
    );
  }
}

/** Lets the event loop turn, so the next packet goes in a record of its own. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function counters(node: PacketChatNode): NodeCounters {
  return node.info().counters;
}

/** Replays `records` to `node` and returns how its counters moved; asserts nothing was accepted. */
async function replay(
  t: Trio,
  node: PacketChatNode,
  port: number,
  records: readonly Buffer[],
  via: 'mallory' | 'alice',
): Promise<{ replays: number; records: number; messages: number }> {
  const before = counters(node);
  const messagesBefore = t.received.get(node)?.length ?? 0;
  if (via === 'mallory') await t.inject(node, port, records);
  else {
    const relay = node === t.carol ? t.toCarol : t.toBob;
    const taken = before.datagramsReceived;
    for (const record of records) relay.inject('forward', record);
    await waitUntil(
      () => counters(node).datagramsReceived - taken >= records.length,
      10_000,
      'the replayed records to arrive',
    );
  }
  const after = counters(node);
  const moved = {
    replays: after.replaysRejected - before.replaysRejected,
    records: after.recordsRejected - before.recordsRejected,
    messages: (t.received.get(node)?.length ?? 0) - messagesBefore,
  };
  expect(moved.messages, 'messages accepted from replayed records').toBe(0);
  expect(moved.replays + moved.records, 'replayed records rejected').toBe(records.length);
  return moved;
}

describe('attack 3: replayed sealed records', () => {
  it('(a) within the window and (b) beyond it: every copy is refused, wherever it comes from', async () => {
    trio = await startTrio();
    const t = trio;
    await chat(t, 20, 'early');
    const early = [...t.captured];
    expect(early.length).toBeGreaterThanOrEqual(20);
    const aliceAtBob = t.bob.peerList().find((p) => p.id === t.alice.id);

    // (a) Within the window: from alice's own address (the relay) and from mallory's.
    const fromAlice = await replay(t, t.bob, t.bob.info().clientPort, early, 'alice');
    const fromMallory = await replay(t, t.bob, t.bob.info().clientPort, early, 'mallory');
    expect(fromAlice.replays).toBe(early.length);
    expect(fromMallory.replays).toBe(early.length);
    // A replay is no proof of anything: alice did not move to mallory's address.
    expect(t.bob.peerList().find((p) => p.id === t.alice.id)).toMatchObject({
      address: aliceAtBob?.address,
      port: aliceAtBob?.port,
    });

    // (b) Push the window past them: more than 8,160 newer records (hellos are records too; one
    // per turn, or they would share bundles).
    for (let i = 0; i < 8_300; i += 1) {
      t.alice.setProfile({ nick: `alice ${i % 10}` });
      await nextTurn();
    }
    await chat(t, 5, 'late');
    const beyond = await replay(t, t.bob, t.bob.info().clientPort, early, 'mallory');
    expect(beyond.replays).toBe(early.length);
    expect(t.bobRejections.get('replayed: sealed record: too-old') ?? 0).toBeGreaterThanOrEqual(
      early.length,
    );
    report('3a/3b replay within and beyond the window', {
      records: early.length,
      rejectedWithin: fromAlice.replays + fromMallory.replays,
      rejectedBeyond: beyond.replays,
      accepted: 0,
    });
  });

  it('(c) after a rekey: the old session refuses them, and once it is gone nothing knows them', async () => {
    trio = await startTrio({ transportLimits: { rekeyAfterMessages: 30n } });
    const t = trio;
    await chat(t, 10, 'first session');
    const old = [...t.captured];
    const handshakes = counters(t.bob).handshakesCompleted;
    // Past 30 records alice starts a new handshake; the old session stays as bob's previous one.
    await chat(t, 40, 'rekey');
    await waitUntil(
      () => counters(t.bob).handshakesCompleted > handshakes,
      10_000,
      'a rekey handshake',
    );
    const afterOne = await replay(t, t.bob, t.bob.info().clientPort, old, 'mallory');
    // Two rekeys later the first session's index is unknown at bob.
    await chat(t, 60, 'second rekey');
    await waitUntil(
      () => counters(t.bob).handshakesCompleted > handshakes + 1,
      10_000,
      'a second rekey handshake',
    );
    await chat(t, 5, 'settled');
    const afterTwo = await replay(t, t.bob, t.bob.info().clientPort, old, 'mallory');
    expect(afterTwo.records).toBe(old.length);
    report('3c replay after a rekey', {
      records: old.length,
      rekeys: counters(t.bob).handshakesCompleted - handshakes,
      rejectedAfterOne: afterOne.replays + afterOne.records,
      rejectedAfterTwo: afterTwo.records,
      accepted: 0,
    });
  });

  it('(d) after a restart of bob, then of alice: nothing opens', async () => {
    trio = await startTrio();
    const t = trio;
    await chat(t, 20, 'before restarts');
    const old = [...t.captured];
    // Bob restarts with the same key and no memory of what he delivered: only the keys protect him.
    await t.restart('bob');
    await chat(t, 3, 'after bob restarted');
    const afterBob = await replay(t, t.bob, t.bob.info().clientPort, old, 'alice');
    expect(afterBob.records).toBe(old.length);
    await t.restart('alice');
    await chat(t, 3, 'after alice restarted');
    const afterAlice = await replay(t, t.bob, t.bob.info().clientPort, old, 'mallory');
    expect(afterAlice.records).toBe(old.length);
    report('3d replay after restarts', {
      records: old.length,
      rejectedAfterBobRestart: afterBob.records,
      rejectedAfterAliceRestart: afterAlice.records,
      accepted: 0,
    });
  });

  it('(e) to carol, from the address carol knows alice by', async () => {
    trio = await startTrio();
    const t = trio;
    await chat(t, 20, 'to bob');
    const carolBefore = counters(t.carol);
    const moved = await replay(t, t.carol, t.carol.info().clientPort, t.captured, 'alice');
    expect(moved.records).toBe(t.captured.length);
    expect(counters(t.carol).messagesReceived).toBe(carolBefore.messagesReceived);
    report('3e cross-recipient replay', {
      records: t.captured.length,
      rejectedByCarol: moved.records,
      accepted: 0,
    });
  });
});
