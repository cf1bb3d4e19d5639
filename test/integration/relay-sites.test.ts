/**
 * Two sites that cannot reach each other, only a broker host (test/helpers/relay-sites.ts): site 1
 * has two hosts on one LAN, site 2 one host. Each host runs the CLI node as shipped with the real
 * defaults (ports 8000/4000, discovery on its subnet's broadcast address) and `--relay` to the
 * broker's address on its own subnet; Mosquitto runs in the broker's namespace. Nodes on site 1
 * find each other on the LAN; across sites they find each other in the relay's directory, run the
 * handshake through their inboxes and chat, send a file (its data through the broker: no direct
 * lane opens across the sites) and use a group of all three (the two who never met are introduced
 * by the relay). A node that is gone for a while (its process ended;
 * PACKET_CHAT_RELAY_OFFLINE_MS, default 15 s, 60000 for a full minute) gets what was sent to it
 * meanwhile when it comes back, exactly once and in order.
 *
 * Needs root, iproute2 and mosquitto: skipped outside CI without them, a failure in CI.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliNode, type CliEvent, type CliNode, type ReadyEvent } from '../helpers/cli-node';
import { startBroker, type Broker } from '../helpers/mosquitto';
import { canUseNetns } from '../helpers/netns';
import { createSites, type Sites } from '../helpers/relay-sites';
import { allOf, findTool, nameWithSkipReason, requireOrSkip, TOOLS } from '../helpers/require-tool';

const check = allOf(canUseNetns(), findTool(TOOLS.mosquitto));
const suiteName = nameWithSkipReason('two sites joined only by a relay broker (namespaces)', check);
const BROKER_PORT = 1883;
const WAIT_MS = 20_000;
const OFFLINE_MS = Number(process.env['PACKET_CHAT_RELAY_OFFLINE_MS'] ?? 15_000);
const SETUP_MS = 60_000;

function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item ${index} (setup did not finish?)`);
  return item;
}

/** Events of `node` from index `from` on, so earlier ones of the same kind do not count. */
function after(node: CliNode, from: number) {
  return (event: CliEvent): boolean => node.events.indexOf(event) >= from;
}

describe(suiteName, () => {
  let sites: Sites | undefined;
  let broker: Broker | undefined;
  const nodes: CliNode[] = [];
  const ready: ReadyEvent[] = [];
  const dataDirs: string[] = [];
  let tornDown = false;

  const start = (index: number, nick: string, gateway: string, netns: string, dataDir: string) => {
    const node = startCliNode({
      netns,
      label: nick,
      args: ['--nick', nick, '--data-dir', dataDir, '--relay', `mqtt://${gateway}:${BROKER_PORT}`],
    });
    nodes[index] = node;
    return node;
  };

  beforeAll(async () => {
    if (!check.ok) return;
    sites = await createSites([2, 1]);
    if (tornDown) return;
    broker = await startBroker({ netns: sites.brokerNetns, host: '0.0.0.0', port: BROKER_PORT });
    const hosts = [
      { nick: 'ann', site: at(sites.sites, 0), host: 0 },
      { nick: 'amy', site: at(sites.sites, 0), host: 1 },
      { nick: 'bea', site: at(sites.sites, 1), host: 0 },
    ];
    hosts.forEach(({ nick, site, host }, i) => {
      const dir = mkdtempSync(join(tmpdir(), `pc-site-${nick}-`));
      dataDirs.push(dir);
      start(i, nick, site.gateway, at(site.hosts, host).netns, dir);
    });
    ready.push(...(await Promise.all(nodes.map((n) => n.ready(WAIT_MS)))));
    await Promise.all(
      nodes.map((n) =>
        n.waitForType(
          'relay',
          (e) => e.relays[0]?.state === 'connected',
          WAIT_MS,
          'the relay connection',
        ),
      ),
    );
  }, SETUP_MS);

  afterAll(async () => {
    tornDown = true;
    const stops = await Promise.allSettled(nodes.map((n) => n.stop()));
    await broker?.stop();
    await sites?.destroy();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    for (const result of stops) if (result.status === 'rejected') throw result.reason;
  }, SETUP_MS);

  it('finds a node on the same LAN directly and one on the other site in the directory', async (ctx) => {
    requireOrSkip(ctx, check);
    const [ann, amy, bea] = [at(nodes, 0), at(nodes, 1), at(nodes, 2)];
    const [annId, amyId, beaId] = [at(ready, 0).nodeId, at(ready, 1).nodeId, at(ready, 2).nodeId];
    const lan = await ann.waitForType('peer', (e) => e.peer.id === amyId && e.peer.online, WAIT_MS);
    expect(lan.peer.path).toEqual({
      kind: 'lan',
      address: at(ready, 1).addresses.find((a) => a !== '127.0.0.1'),
      port: 4000,
    });
    const listed = await ann.waitForType('listed', (e) => e.entry.nodeId === beaId, WAIT_MS);
    expect(listed.entry).toMatchObject({ nick: 'bea' });
    // Nothing but the relay joins the sites: bea was never announced to or seen on the LAN.
    expect(ann.eventsOf('peer').some((e) => e.peer.id === beaId)).toBe(false);

    ann.send({ cmd: 'add', address: beaId });
    await ann.waitForType('seeking', (e) => e.nodeId === beaId, WAIT_MS);
    const annSees = await ann.waitForType(
      'peer',
      (e) => e.peer.id === beaId && e.peer.online,
      WAIT_MS,
      'bea through the relay',
    );
    expect(annSees.peer).toMatchObject({
      nick: 'bea',
      encrypted: true,
      path: { kind: 'relay', broker: `${at(sites?.sites ?? [], 0).gateway}:${BROKER_PORT}` },
    });
    const beaSees = await bea.waitForType(
      'peer',
      (e) => e.peer.id === annId && e.peer.online,
      WAIT_MS,
    );
    expect(beaSees.peer.path).toEqual({
      kind: 'relay',
      broker: `${at(sites?.sites ?? [], 1).gateway}:${BROKER_PORT}`,
    });
    expect(amy.eventsOf('peer').some((e) => e.peer.id === beaId)).toBe(false); // amy did not ask
  });

  it('chats across the sites: texts and acks through the broker', async (ctx) => {
    requireOrSkip(ctx, check);
    const [ann, bea] = [at(nodes, 0), at(nodes, 2)];
    const [annId, beaId] = [at(ready, 0).nodeId, at(ready, 2).nodeId];
    const from = bea.events.length;
    ann.send({ cmd: 'send', to: beaId, text: 'hello from site 1' });
    const sent = await ann.waitForType('sent', () => true, WAIT_MS);
    expect(sent.transport).toBe('relay');
    const got = await bea.waitForType('message', (e) => after(bea, from)(e), WAIT_MS);
    expect(got.message).toMatchObject({
      from: annId,
      text: 'hello from site 1',
      transport: 'relay',
    });
    await ann.waitForType('status', (e) => e.id === sent.id && e.status === 'delivered', WAIT_MS);

    bea.send({ cmd: 'send', to: annId, text: 'hello from site 2' });
    const back = await ann.waitForType('message', (e) => e.message.from === beaId, WAIT_MS);
    expect(back.message.text).toBe('hello from site 2');
  });

  it('sends a file across the sites: the data through the broker, SHA-256 equal', async (ctx) => {
    requireOrSkip(ctx, check);
    const [ann, bea] = [at(nodes, 0), at(nodes, 2)];
    const [annId, beaId] = [at(ready, 0).nodeId, at(ready, 2).nodeId];
    const work = mkdtempSync(join(tmpdir(), 'pc-site-file-'));
    dataDirs.push(work);
    const source = join(work, 'across the sites 跨站.bin');
    writeFileSync(source, randomBytes(3 * 1024 * 1024 + 333));
    const dest = join(work, 'received');
    mkdirSync(dest);
    const sha = createHash('sha256').update(readFileSync(source)).digest('hex');

    const from = bea.events.length;
    ann.send({ cmd: 'send-file', to: beaId, paths: [source] });
    const offer = await bea.waitForType(
      'transfer',
      (e) =>
        after(bea, from)(e) && e.transfer.direction === 'receive' && e.transfer.state === 'offered',
      WAIT_MS,
      'the offer through the relay',
    );
    expect(offer.transfer.peerId).toBe(annId);
    bea.send({ cmd: 'accept', id: offer.transfer.id, dir: dest });
    const done = await bea.waitForType(
      'transfer',
      (e) => e.transfer.id === offer.transfer.id && e.transfer.state === 'done',
      WAIT_MS * 3,
      'the file pulled through the relay',
    );
    expect(done.files?.map((f) => f.sha256)).toEqual([sha]);
    const kept = join(dest, 'across the sites 跨站.bin');
    expect(createHash('sha256').update(readFileSync(kept)).digest('hex')).toBe(sha);
    await ann.waitForType(
      'transfer',
      (e) => e.transfer.id === offer.transfer.id && e.transfer.state === 'done',
      WAIT_MS,
      'the sender done',
    );
  });

  it('uses a group across the sites: every member sees every message once', async (ctx) => {
    requireOrSkip(ctx, check);
    const members = [at(nodes, 0), at(nodes, 1), at(nodes, 2)];
    const ids = [at(ready, 0).nodeId, at(ready, 1).nodeId, at(ready, 2).nodeId];
    const [ann] = members;
    if (ann === undefined) throw new Error('no ann');
    const from = members.map((n) => n.events.length);
    ann.send({ cmd: 'group-create', name: 'both sites', members: ids.slice(1) });
    const created = await ann.waitForType(
      'group',
      (e) => after(ann, at(from, 0))(e) && e.change === 'created',
      WAIT_MS,
    );
    const groupId = created.group.id;
    await Promise.all(
      members
        .slice(1)
        .map((n) => n.waitForType('group', (e) => e.group.id === groupId, WAIT_MS, 'the group')),
    );
    // Each member writes once (amy and bea never met: the relay introduces them), and waits
    // until the other two show it.
    const texts: string[] = [];
    for (const [i, node] of members.entries()) {
      const text = `group hello from ${['ann', 'amy', 'bea'][i] ?? '?'} 你好`;
      texts.push(text);
      node.send({ cmd: 'send', to: `group:${groupId}`, text });
      await Promise.all(
        members
          .filter((_, j) => j !== i)
          .map((other) =>
            other.waitForType('message', (e) => e.message.text === text, WAIT_MS * 2, text),
          ),
      );
    }
    for (const node of members) {
      const before = node.events.length;
      node.send({ cmd: 'history', with: `group:${groupId}`, limit: 50 });
      const history = await node.waitForType(
        'history',
        (e) => node.events.indexOf(e) >= before,
        WAIT_MS,
      );
      for (const text of texts)
        expect(history.messages.filter((m) => m.text === text)).toHaveLength(1);
      // Shown once too: one message event for each text another member wrote.
      const own = at(texts, members.indexOf(node));
      for (const text of texts.filter((t) => t !== own))
        expect(node.eventsOf('message').filter((e) => e.message.text === text)).toHaveLength(1);
    }
  });

  it(
    `delivers what was sent while a node was gone (${OFFLINE_MS} ms) once it is back`,
    async (ctx) => {
      requireOrSkip(ctx, check);
      if (sites === undefined) throw new Error('no sites');
      const ann = at(nodes, 0);
      const [annId, beaId] = [at(ready, 0).nodeId, at(ready, 2).nodeId];
      const site = at(sites.sites, 1);
      let from = ann.events.length;
      await at(nodes, 2).stop();
      await ann.waitForType(
        'peer',
        (e) => after(ann, from)(e) && e.peer.id === beaId && !e.peer.online,
        WAIT_MS,
        'bea offline',
      );

      const texts = ['one while away', 'two while away', 'three while away'];
      const ids: string[] = [];
      for (const text of texts) {
        from = ann.events.length;
        ann.send({ cmd: 'send', to: beaId, text });
        ids.push((await ann.waitForType('sent', (e) => after(ann, from)(e), WAIT_MS)).id);
      }
      // The wait is real: the sender keeps them (pending) while the node is gone.
      await new Promise((resolve) => setTimeout(resolve, OFFLINE_MS));
      expect(
        ann.eventsOf('status').filter((e) => ids.includes(e.id) && e.status === 'delivered'),
      ).toEqual([]);

      const bea = start(2, 'bea', site.gateway, at(site.hosts, 0).netns, at(dataDirs, 2));
      await bea.ready(WAIT_MS);
      const received: string[] = [];
      for (const _ of texts) {
        const got = await bea.waitForType(
          'message',
          (e) => e.message.from === annId && !received.includes(e.message.text),
          WAIT_MS * 2,
          'a message sent while away',
        );
        received.push(got.message.text);
      }
      expect(received).toEqual(texts);
      for (const id of ids)
        await ann.waitForType('status', (e) => e.id === id && e.status === 'delivered', WAIT_MS);
      // Exactly once: the history holds each text one time.
      bea.send({ cmd: 'history', with: annId, limit: 50 });
      const history = await bea.waitForType('history', () => true, WAIT_MS);
      for (const text of texts)
        expect(history.messages.filter((m) => m.text === text)).toHaveLength(1);
    },
    OFFLINE_MS + 90_000,
  );
});
