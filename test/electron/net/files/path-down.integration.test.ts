/**
 * The data channel says the only path to the peer is gone (`path-down`: a relay broker
 * connection dropped, docs/RELAY.md "File data"): the receiving transfer pauses at once with
 * reason `relay-unreachable`, tells the sender nothing (it could not), and resumes from its parts
 * on `relayReturned()` or `peerReachable()`. Two engines on loopback TCP; a switch in front of the
 * receiver's channel plays the broker.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  ChannelError,
  CloseInfo,
  DataChannel,
  RecordStream,
} from '../../../../electron/net/files/ports';
import { TestNet } from './helpers/peers';
import { slowChannel } from './helpers/slow-channel';
import { randomFile, sha256Of } from './helpers/trees';

const MIB = 1024 * 1024;
const PATH_DOWN: ChannelError = { code: 'path-down', message: 'Relay broker unreachable' };

let net: TestNet;
afterEach(async () => {
  await net.close();
});

/** A data channel that can lose its path: its streams end with `path-down`, and so do opens. */
function switchable(): { wrap: (channel: DataChannel) => DataChannel; drop(): void; up(): void } {
  let down = false;
  const live = new Set<() => void>();
  const stream = (inner: RecordStream): RecordStream => {
    let dropped: ((info: CloseInfo) => void) | undefined;
    const lost = new Promise<CloseInfo>((resolve) => (dropped = resolve));
    const drop = (): void => {
      dropped?.({ by: 'error', error: PATH_DOWN });
      inner.close();
    };
    live.add(drop);
    void inner.closed.then(() => live.delete(drop));
    return {
      peerId: inner.peerId,
      closed: Promise.race([lost, inner.closed]),
      read: () => Promise.race([inner.read(), lost.then(() => undefined)]),
      write: (record) => inner.write(record),
      close: () => inner.close(),
    };
  };
  return {
    wrap: (channel) => ({
      open: async (peerId) => {
        if (down) return { ok: false, error: PATH_DOWN };
        const opened = await channel.open(peerId);
        return opened.ok ? { ok: true, stream: stream(opened.stream) } : opened;
      },
      onIncoming: (handler) => channel.onIncoming(handler),
    }),
    drop() {
      down = true;
      for (const drop of [...live]) drop();
    },
    up() {
      down = false;
    },
  };
}

/**
 * Alice offers an 8 MiB file to Bob, whose data channel can lose its path; Bob accepts, and this
 * resolves once bytes arrive. A slow sender: the transfer is surely still running when the path goes.
 */
async function movingTransfer() {
  net = new TestNet();
  const path = switchable();
  const alice = await net.peer('alice', { wrapData: slowChannel(20), progressIntervalMs: 50 });
  const bob = await net.peer('bob', { wrapData: path.wrap, progressIntervalMs: 50 });
  const file = randomFile(join(net.tempDir(), 'big.bin'), 8 * MIB + 5);
  const incoming = bob.waitOffer();
  const offer = await alice.engine.sendFiles('bob', [file]);
  if (!offer.ok) throw new Error(offer.message);
  const id = (await incoming).id;
  const moving = bob.waitFor((t) => t.id === id && t.bytesDone > 0, 10_000, 'first bytes');
  expect(await bob.engine.accept(id, net.tempDir())).toMatchObject({ ok: true });
  await moving;
  return { path, alice, bob, file, id };
}

describe('a lost path pauses a transfer, and its return resumes it', () => {
  it('pauses with relay-unreachable without telling the sender, and goes on from the part', async () => {
    const { path, alice, bob, file, id } = await movingTransfer();
    const paused = bob.waitState(id, 'paused');
    path.drop();
    const pause = await paused;
    expect(pause.reason).toBe('relay-unreachable');
    expect(pause.bytesDone).toBeLessThan(pause.bytes);
    // Nothing was said to the sender: a pause it heard would hold it (peerPaused) after the return.
    expect(net.hub.log.filter((m) => m.from === 'bob').map((m) => m.body.type)).not.toContain(
      'file-pause',
    );

    // The path returns (a broker connection is up again).
    path.up();
    const done = bob.waitState(id, 'done', 60_000);
    const resumed = bob.waitFor((t) => t.id === id && t.state === 'active', 10_000, 'resumed');
    bob.engine.relayReturned();
    expect((await resumed).bytesDone).toBeGreaterThanOrEqual(pause.bytesDone);
    const end = await done;
    expect(end.bytesDone).toBe(end.bytes);
    await alice.waitState(id, 'done', 60_000);
    const kept = bob.engine.files(id)[0];
    expect(kept?.sha256).toBe(sha256Of(file));
    expect(net.hub.log.filter((m) => m.from === 'bob').map((m) => m.body.type)).not.toContain(
      'file-resume',
    );
  }, 90_000);

  it('a user resume of such a pause works too, and peerReachable resumes it as well', async () => {
    const { path, bob, file, id } = await movingTransfer();

    // The path drops; the first open after a resume by hand finds it still down: paused again.
    let paused = bob.waitState(id, 'paused');
    path.drop();
    await paused;
    paused = bob.waitFor(
      (t) => t.id === id && t.state === 'paused' && t.reason === 'relay-unreachable',
      10_000,
      'paused again',
    );
    const again = bob.waitFor((t) => t.id === id && t.state === 'active', 10_000, 'resumed');
    expect(await bob.engine.resume(id)).toMatchObject({ ok: true });
    await again;
    await paused;

    // The peer is reachable another way (the LAN): the pause ends.
    path.up();
    const done = bob.waitState(id, 'done', 60_000);
    bob.engine.peerReachable('alice');
    await done;
    expect(bob.engine.files(id)[0]?.sha256).toBe(sha256Of(file));
  }, 90_000);
});
