import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import type { PortUnavailable } from '../../../../electron/net/ipmsg/types';
import { waitForEvent } from '../../../helpers/wait';
import { ipmsgNode, loopbackHosts, useCleanup } from './loopback';

useCleanup();

describe('only one program per host owns the IPMsg port', () => {
  it('a taken port is a result and an event naming the process, not a crash', async () => {
    const [host] = loopbackHosts(1);
    const blocker = createSocket('udp4');
    await new Promise<void>((resolve) => blocker.bind(host!.port, host!.address, resolve));
    try {
      const t = ipmsgNode(host!, []);
      const event = waitForEvent<PortUnavailable>(t.node, 'port-unavailable');
      const result = await t.node.start();
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.unavailable).toMatchObject({ code: 'port-in-use', port: host!.port });
      expect(result.unavailable.message).toMatch(new RegExp(`UDP port ${host!.port} is in use by`));
      if (process.platform === 'linux') expect(result.unavailable.process?.pid).toBe(process.pid);
      expect(await event).toEqual(result.unavailable);
      expect(() => t.node.sendText('ipmsg:10.0.0.1', 'x')).toThrow(/not started/);
      await t.node.close();
    } finally {
      blocker.close();
    }
  });

  it('a second PacketChat copy is told which copy has the port (its SENDINFO on loopback)', async () => {
    const [host] = loopbackHosts(1);
    const wildcard = { address: '0.0.0.0', port: host!.port };
    const first = ipmsgNode(wildcard, [], {
      ownerLabel: 'profile default, pid 1234',
      versionInfo: 'PacketChat 0.1.0',
    });
    expect((await first.node.start()).ok).toBe(true);
    const second = ipmsgNode(wildcard, []);
    const result = await second.node.start();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.unavailable.packetChat).toBe('PacketChat 0.1.0 [profile default, pid 1234]');
    expect(result.unavailable.message).toContain(
      'another PacketChat copy (PacketChat 0.1.0 [profile default, pid 1234])',
    );
    // Peers on the LAN are not told the profile: only a local asker is.
    expect(first.node.peerList()).toEqual([]);
  });
});
