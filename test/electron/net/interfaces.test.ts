import { describe, expect, it } from 'vitest';
import { defaultBroadcastTargets, type InterfaceAddress } from '../../../electron/net/interfaces';

const loopback: InterfaceAddress = {
  name: 'lo',
  address: '127.0.0.1',
  netmask: '255.0.0.0',
  broadcast: '127.255.255.255',
  internal: true,
};
const lan = (name: string, address: string, netmask: string, broadcast: string) => ({
  name,
  address,
  netmask,
  broadcast,
  internal: false,
});

describe('defaultBroadcastTargets', () => {
  it("is every LAN interface's broadcast address, once each, never loopback's", () => {
    expect(
      defaultBroadcastTargets([
        loopback,
        lan('eth0', '192.168.1.5', '255.255.255.0', '192.168.1.255'),
        lan('eth1', '10.0.0.7', '255.255.0.0', '10.0.255.255'),
        lan('eth2', '192.168.1.6', '255.255.255.0', '192.168.1.255'),
      ]),
    ).toEqual(['192.168.1.255', '10.0.255.255']);
  });

  it('falls back to the loopback broadcast on a machine with only loopback', () => {
    expect(defaultBroadcastTargets([loopback])).toEqual(['127.255.255.255']);
  });

  it('falls back when the only other interface is point-to-point (/32), or there is none', () => {
    const tunnel = lan('tun0', '10.8.0.2', '255.255.255.255', '10.8.0.2');
    expect(defaultBroadcastTargets([loopback, tunnel])).toEqual(['127.255.255.255']);
    expect(defaultBroadcastTargets([])).toEqual(['127.255.255.255']);
  });
});
