// When the app has the IPMsg bridge and when not: a PacketChat copy that also bridges IPMsg shows
// once (as its PacketChat self), a taken port is a notice naming the holder and the app runs on
// without IPMsg, the `ipmsg` setting turns it off and a flag turns it on again.
import { describe, expect, it } from 'vitest';
import type { Contact, SocketsSnapshot } from '../../../shared/domain';
import type { SelfInfo } from '../../../shared/ipc/contract';
import { startBridgeBackend, useBridgeBackends, valueOf } from '../../helpers/ipmsg-backend';
import { ipmsgTestPort, testPorts } from '../../helpers/ports';
import { waitUntil } from '../../helpers/wait';
import { loopbackHosts, type LoopbackHost } from '../net/ipmsg/loopback';

useBridgeBackends();

describe('the IPMsg bridge in the app', () => {
  it('shows a PacketChat copy that also speaks IPMsg once, as its PacketChat self', async () => {
    const [one, two] = loopbackHosts(2) as [LoopbackHost, LoopbackHost];
    const { serverPort } = testPorts();
    const a = await startBridgeBackend({
      host: one,
      serverPort,
      peers: [`${two.address}:${String(serverPort)}`],
      nick: 'alice',
    });
    const b = await startBridgeBackend({
      host: two,
      serverPort,
      peers: [`${one.address}:${String(serverPort)}`],
      nick: 'bob',
    });
    const bSelf = valueOf<SelfInfo>(await b.call('self:get'));
    const twinId = `ipmsg:${two.address}`;
    await waitUntil(
      () => a.of('contact').some((c) => c.peer.id === bSelf.nodeId && c.peer.online),
      10_000,
      'bob as a PacketChat peer',
    );
    // Bob's bridge has answered ours (its ANSENTRY or BR_ENTRY is in our log)…
    await waitUntil(
      () =>
        a
          .of('packets')
          .flat()
          .some((p) => p.protocol === 'ipmsg' && p.direction === 'in' && p.peerId === twinId),
      10_000,
      "bob's bridge to be heard",
    );
    // …yet bob is one contact: the PacketChat one. If his IPMsg side was shown first (it
    // usually is: no handshake), it was taken back with mergedInto.
    const list = valueOf<Contact[]>(await a.call('contacts:list'));
    expect(list.filter((c) => c.id === twinId)).toEqual([]);
    expect(list.find((c) => c.id === bSelf.nodeId)).toMatchObject({ protocol: 'pchat' });
    const twinEvents = () => a.of('contact').filter((c) => c.peer.id === twinId);
    if (twinEvents().length > 0)
      expect(twinEvents().at(-1)).toMatchObject({ change: 'offline', mergedInto: bSelf.nodeId });
    // Bob's bridge says something new (BR_ABSENCE with his group): still no contact of its own.
    const heard = a.of('packets').flat().length;
    valueOf(await b.call('settings:set', { ipmsgGroup: 'ops' }));
    await waitUntil(
      () =>
        a
          .of('packets')
          .flat()
          .slice(heard)
          .some((p) => p.kind === 'BR_ABSENCE' && p.peerId === twinId),
      5_000,
      "bob's BR_ABSENCE",
    );
    expect(twinEvents().filter((c) => c.mergedInto === undefined && c.change !== 'added')).toEqual(
      [],
    );
  });

  it('a taken port is a notice naming the PacketChat copy that has it; the app runs on', async () => {
    // Both on 127.0.0.1: the second copy asks the first one (GETINFO on loopback) who it is.
    const host = { address: '127.0.0.1', port: ipmsgTestPort() };
    const { serverPort } = testPorts();
    const first = await startBridgeBackend({ host, serverPort });
    const second = await startBridgeBackend({ host, serverPort });
    const notice = second.of('notice').find((n) => n.code === 'ipmsg-port');
    expect(notice).toMatchObject({ level: 'warning' });
    expect(notice?.message).toMatch(
      new RegExp(
        `port ${String(host.port)} is in use by another PacketChat copy .*profile .*pid ${String(process.pid)}`,
      ),
    );
    const self = valueOf<SelfInfo>(await second.call('self:get'));
    expect(self.ipmsg).toEqual({ port: null, reason: notice?.message });
    expect(self.clientPort).toBeGreaterThan(0); // the PacketChat node runs
    expect(await second.call('messages:send', { peerId: 'ipmsg:10.9.8.7', text: 'hi' })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'unavailable', reason: 'ipmsg-off' }) as unknown,
    });
    const sockets = valueOf<SocketsSnapshot>(await second.call('inspector:sockets'));
    expect(sockets.sockets.some((s) => s.state === 'IPMsg')).toBe(false);
    expect(valueOf<SelfInfo>(await first.call('self:get')).ipmsg).toEqual({ port: host.port });
  });

  it('the `ipmsg` setting turns the bridge off at the next start; --ipmsg turns it on again', async () => {
    const [host] = loopbackHosts(1) as [LoopbackHost];
    const { serverPort } = testPorts();
    const on = await startBridgeBackend({ host, serverPort });
    expect(valueOf(await on.call('settings:get'))).toMatchObject({
      ipmsg: true,
      ipmsgEncoding: 'auto',
      ipmsgGroup: '',
    });
    for (const bad of [{ ipmsgGroup: 'a\u0007b' }, { ipmsgEncoding: 'latin1' }, { ipmsg: 'no' }])
      expect(await on.call('settings:set', bad)).toMatchObject({
        ok: false,
        error: { code: 'invalid-argument' },
      });
    valueOf(await on.call('settings:set', { ipmsg: false, ipmsgEncoding: 'gb18030' }));
    await on.backend.close();

    const off = await startBridgeBackend({ host, serverPort, dataDir: on.dataDir });
    expect(valueOf<SelfInfo>(await off.call('self:get')).ipmsg).toEqual({
      port: null,
      reason: 'IPMsg is turned off',
    });
    expect(valueOf(await off.call('settings:get'))).toMatchObject({
      ipmsg: false,
      ipmsgEncoding: 'gb18030',
    });
    await off.backend.close();

    const forced = await startBridgeBackend({
      host,
      serverPort,
      dataDir: on.dataDir,
      ipmsg: { enabled: true },
    });
    expect(valueOf<SelfInfo>(await forced.call('self:get')).ipmsg).toEqual({ port: host.port });
  });
});
