// IPMsg peers are contacts named by their IP address: every IPMsg client on a host shares port
// 2425, so the address alone is the peer. Their id is `ipmsg:IP`; these helpers are the only place
// that spells the format out (like shared/stranger-id.ts for strangers).
import { isIPv4 } from './address';

const PREFIX = 'ipmsg:';

export function ipmsgPeerId(address: string): string {
  return `${PREFIX}${address}`;
}

export function isIpmsgPeerId(id: string): boolean {
  return id.startsWith(PREFIX);
}

/** The IP of an `ipmsg:IP` id, or undefined when `id` is not one. */
export function ipmsgAddress(id: string): string | undefined {
  if (!isIpmsgPeerId(id)) return undefined;
  const address = id.slice(PREFIX.length);
  return isIPv4(address) ? address : undefined;
}
