import { networkInterfaces } from 'node:os';
import { broadcastAddress } from '../../shared/address';

export interface InterfaceAddress {
  readonly name: string;
  readonly address: string;
  readonly netmask: string;
  readonly broadcast: string;
  readonly internal: boolean;
}

/** Every IPv4 address of this machine with its subnet's broadcast address. */
export function listIPv4Interfaces(): InterfaceAddress[] {
  const result: InterfaceAddress[] = [];
  for (const [name, addresses] of Object.entries(networkInterfaces())) {
    for (const info of addresses ?? []) {
      if (info.family !== 'IPv4') continue;
      const broadcast = broadcastAddress(info.address, info.netmask);
      if (broadcast === undefined) continue;
      result.push({
        name,
        address: info.address,
        netmask: info.netmask,
        broadcast,
        internal: info.internal,
      });
    }
  }
  return result;
}

/** The loopback network's broadcast address (127.0.0.0/8): every copy on this machine hears it. */
export const LOOPBACK_BROADCAST = '127.255.255.255';

/**
 * Default discovery targets: the broadcast address of each non-loopback IPv4 interface.
 * A /32 (point-to-point) interface has no broadcast domain and is skipped. When no interface has
 * a broadcast address (a machine with only loopback, or offline), the loopback broadcast is the
 * target, so copies on this one machine still find each other; the CLI says so.
 */
export function defaultBroadcastTargets(interfaces: readonly InterfaceAddress[]): string[] {
  const targets = interfaces
    .filter((i) => !i.internal && i.netmask !== '255.255.255.255')
    .map((i) => i.broadcast);
  return targets.length === 0 ? [LOOPBACK_BROADCAST] : [...new Set(targets)];
}
