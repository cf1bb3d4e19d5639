// Trust on first use, safety numbers, and a key change: real backends (node + SQLite) on loopback.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../electron/app/backend';
import { IDENTITY_FILE } from '../../../electron/store/identity-file';
import type { MessageStateChange } from '../../../shared/domain';
import { expandContacts } from '../../../shared/ipc/contacts-compact';
import type { EventChannel, EventPayloads } from '../../../shared/ipc/contract';
import { LOOPBACK_BROADCAST, testPorts } from '../../helpers/ports';
import { waitUntil } from '../../helpers/wait';

interface Harness {
  readonly backend: Backend;
  readonly dir: string;
  of<E extends EventChannel>(event: E): EventPayloads[E][];
}

const open: Backend[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((b) => b.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function harness(
  ports: { serverPort: number; clientPort: number },
  dir?: string,
  nick?: string,
): Promise<Harness> {
  const dataDir = dir ?? (await mkdtemp(join(tmpdir(), 'pc-trust-')));
  if (dir === undefined) dirs.push(dataDir);
  const events: { event: EventChannel; payload: unknown }[] = [];
  const backend = createBackend({
    profile: { dataDir },
    ...(nick === undefined ? {} : { nick }),
    appVersion: '0.0.0-test',
    node: { ...ports, broadcast: [LOOPBACK_BROADCAST], announceIntervalMs: 300 },
    emit: (event, payload) => events.push({ event, payload }),
  });
  open.push(backend);
  await backend.start();
  return {
    backend,
    dir: dataDir,
    of: <E extends EventChannel>(event: E) =>
      events.filter((e) => e.event === event).map((e) => e.payload as EventPayloads[E]),
  };
}

const self = (h: Harness) => h.backend.handlers['self:get'](undefined);
const contacts = (h: Harness) => h.backend.handlers['contacts:list'](undefined);
const sees = async (h: Harness, id: string) =>
  (await contacts(h)).some((c) => c.id === id && c.online);
async function waitSees(h: Harness, id: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await sees(h, id))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting to see ${id}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const stateOf = (h: Harness, id: string, state: MessageStateChange['state']) =>
  waitUntil(
    () => h.of('message-state').some((c) => c.id === id && c.state === state),
    10_000,
    `message ${id} to be ${state}`,
  );

describe('trust', () => {
  it('pins keys, gives both sides the same safety number, and remembers verification', async () => {
    const ports = testPorts();
    const a = await harness(ports, undefined, 'alice');
    const b = await harness(ports, undefined, 'bob');
    const [aSelf, bSelf] = [await self(a), await self(b)];
    await waitSees(a, bSelf.nodeId);
    await waitSees(b, aSelf.nodeId);
    const atA = (await contacts(a)).find((c) => c.id === bSelf.nodeId);
    expect(atA).toMatchObject({ trust: 'encrypted', fingerprint: bSelf.fingerprint });
    const numberAtA = await a.backend.handlers['contacts:safetyNumber']({ peerId: bSelf.nodeId });
    const numberAtB = await b.backend.handlers['contacts:safetyNumber']({ peerId: aSelf.nodeId });
    expect(numberAtA.digits).toMatch(/^\d{60}$/);
    expect(numberAtA.digits).toBe(numberAtB.digits);
    expect(numberAtA.qr).not.toBe(numberAtB.qr); // oriented: each side's code shows its own key first
    const verified = await a.backend.handlers['contacts:verify']({
      peerId: bSelf.nodeId,
      verified: true,
    });
    expect(verified.trust).toBe('verified');
    expect((await contacts(a)).find((c) => c.id === bSelf.nodeId)?.trust).toBe('verified');
  });

  it('holds messages to a contact whose key changed until the user accepts the new key', async () => {
    const ports = testPorts();
    const a = await harness(ports, undefined, 'alice');
    const b = await harness(ports, undefined, 'bob');
    const [aSelf, bSelf] = [await self(a), await self(b)];
    await waitSees(a, bSelf.nodeId);
    await waitSees(b, aSelf.nodeId);
    const before = await a.backend.handlers['messages:send']({
      peerId: bSelf.nodeId,
      text: 'before',
    });
    await stateOf(a, before.id, 'delivered');

    // Bob loses his key (a reinstall) and comes back with a new one, same name, same machine.
    await b.backend.close();
    await waitUntil(
      () => a.of('contact').some((c) => c.peer.id === bSelf.nodeId && c.change === 'offline'),
      5_000,
      'bob offline',
    );
    await writeFile(join(b.dir, IDENTITY_FILE), '');
    const b2 = await harness(ports, b.dir);
    const b2Self = await self(b2);
    expect(b2Self.nodeId).not.toBe(bSelf.nodeId);
    await waitUntil(() => a.of('key-changed').length > 0, 5_000, 'the key change');
    expect(a.of('key-changed')[0]).toMatchObject({
      peer: bSelf.nodeId,
      to: b2Self.nodeId,
      previous: bSelf.fingerprint,
      fingerprint: b2Self.fingerprint,
    });
    expect((await contacts(a)).find((c) => c.id === bSelf.nodeId)).toMatchObject({
      trust: 'key-changed',
      keyChange: { to: b2Self.nodeId, fingerprint: b2Self.fingerprint },
    });
    // The renderer's compact list says the same, without the keys and fingerprints it never
    // shows; the key change's fingerprint (the banner's) is in it.
    const listed = await contacts(a);
    const compact = await a.backend.handlers['contacts:listCompact'](undefined);
    expect(expandContacts(compact)).toStrictEqual(
      listed.map(({ publicKey: _p, signingKey: _s, fingerprint: _f, ...rest }) => rest),
    );
    expect(listed.some((c) => c.publicKey !== undefined)).toBe(true);
    expect(listed.some((c) => c.fingerprint !== undefined)).toBe(true);
    expect(expandContacts(compact).find((c) => c.id === bSelf.nodeId)?.keyChange).toStrictEqual({
      to: b2Self.nodeId,
      fingerprint: b2Self.fingerprint,
    });

    // Messages to Bob are held: nothing reaches the new key until Alice accepts it.
    const held = await a.backend.handlers['messages:send']({
      peerId: bSelf.nodeId,
      text: 'are you really bob?',
    });
    expect(held.state).toBe('held');
    await stateOf(a, held.id, 'held');
    expect(b2.of('message').map((m) => m.text)).toEqual([]);

    const accepted = await a.backend.handlers['contacts:acceptKey']({ peerId: bSelf.nodeId });
    expect(accepted).toEqual({ peerId: b2Self.nodeId });
    await stateOf(a, held.id, 'delivered');
    expect(b2.of('message').map((m) => m.text)).toEqual(['are you really bob?']);
    // One conversation: the history before the change continues under the new key.
    const history = await a.backend.handlers['messages:history']({
      peerId: b2Self.nodeId,
      limit: 10,
    });
    expect(history.messages.map((m) => m.text)).toEqual(['before', 'are you really bob?']);
    expect((await contacts(a)).some((c) => c.id === bSelf.nodeId)).toBe(false);
  });

  it('flags a known name and host that comes back under a new key without naming the old id', async () => {
    const ports = testPorts();
    const a = await harness(ports, undefined, 'alice');
    const b = await harness(ports, undefined, 'bob');
    const [aSelf, bSelf] = [await self(a), await self(b)];
    // Both sides in session, so Bob's bye reaches Alice when he closes.
    await waitSees(a, bSelf.nodeId);
    await waitSees(b, aSelf.nodeId);
    await b.backend.close();
    await waitUntil(
      () => a.of('contact').some((c) => c.peer.id === bSelf.nodeId && c.change === 'offline'),
      5_000,
      'bob offline',
    );
    // A new profile (a reinstall, or someone else) with Bob's nick on Bob's host: no alias.
    const b2 = await harness(ports, undefined, 'bob');
    const b2Self = await self(b2);
    expect(b2Self.host).toBe(bSelf.host);
    await waitUntil(() => a.of('key-changed').length > 0, 5_000, 'the key change');
    expect(a.of('key-changed')).toEqual([
      {
        peer: bSelf.nodeId,
        to: b2Self.nodeId,
        previous: bSelf.fingerprint,
        fingerprint: b2Self.fingerprint,
      },
    ]);
    // Bob coming back with his own key is no key change, and flags nobody.
    await b2.backend.close();
    const b3 = await harness(ports, b.dir);
    await waitSees(a, (await self(b3)).nodeId);
    expect(a.of('key-changed')).toHaveLength(1);
  });

  it('takes a contact from protocol v1 over to its new key without a warning', async () => {
    const ports = testPorts();
    const a = await harness(ports, undefined, 'alice');
    const oldId = 'c0ffee00'.repeat(4);
    const bDir = await mkdtemp(join(tmpdir(), 'pc-trust-'));
    dirs.push(bDir);
    // Bob's profile from v1: a random id and no key; Alice knew him by that id.
    await writeFile(
      join(bDir, IDENTITY_FILE),
      JSON.stringify({ version: 1, nodeId: oldId, nick: 'bob', status: 'online' }),
    );
    await insertV1Contact(a, oldId);
    const b = await harness(ports, bDir);
    const bSelf = await self(b);
    await waitSees(a, bSelf.nodeId);
    await waitUntil(
      () => a.of('notice').some((n) => n.code === 'contact-upgraded'),
      5_000,
      'the upgrade notice',
    );
    expect(a.of('key-changed')).toEqual([]);
    const history = await a.backend.handlers['messages:history']({
      peerId: bSelf.nodeId,
      limit: 10,
    });
    expect(history.messages.map((m) => m.text)).toEqual(['from the v1 days']);
    expect((await contacts(a)).some((c) => c.id === oldId)).toBe(false);
  });
});

/** Puts a v1-era contact (no key) with one message into a running backend's store. */
async function insertV1Contact(h: Harness, id: string): Promise<void> {
  const { DatabaseSync } = await import('node:sqlite');
  const db = new DatabaseSync(join(h.dir, 'packetchat.db'));
  try {
    db.prepare(
      `INSERT INTO peers (id, nick, host, address, port, tcp_port, status, first_seen, last_seen)
       VALUES (?, 'bob', 'h', '127.0.0.1', 1, NULL, 'online', 1, 1)`,
    ).run(id);
    db.prepare(
      `INSERT INTO messages (id, peer_id, direction, epoch, seq, text, transport, state, sent_at,
         received_at, remote, position) VALUES ('v1msg', ?, 'in', 'e', 1, 'from the v1 days', 'udp',
         'received', 1, 1, '127.0.0.1:1', 999999)`,
    ).run(id);
  } finally {
    db.close();
  }
}
