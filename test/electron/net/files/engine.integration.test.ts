import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TestNet } from './helpers/peers';
import { randomFile, snapshot, writeFile } from './helpers/trees';

let net: TestNet;
afterEach(async () => {
  await net.close();
});

describe('file engine over loopback TCP', () => {
  it('sends a small tree: offer, accept, done, equal', async () => {
    net = new TestNet();
    const alice = await net.peer('alice');
    const bob = await net.peer('bob');
    const src = net.tempDir();
    randomFile(join(src, 'tree', 'a.bin'), 300_000);
    randomFile(join(src, 'tree', 'sub', 'b.bin'), 5);
    writeFile(join(src, 'tree', 'empty.txt'), '');
    const offer = await alice.engine.sendFiles('bob', [join(src, 'tree')]);
    expect(offer.ok).toBe(true);
    const incoming = await bob.waitOffer();
    const dst = net.tempDir();
    const accepted = await bob.engine.accept(incoming.id, dst);
    expect(accepted).toMatchObject({ ok: true });
    await bob.waitState(incoming.id, 'done');
    await alice.waitState(incoming.id, 'done');
    expect(snapshot(dst)).toEqual(snapshot(src));
  });
});
