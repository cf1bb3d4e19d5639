/** IPv4 endpoints as users type them: `IP` or `IP:PORT`. */

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIPv4(text: string): boolean {
  return IPV4.test(text);
}

export function isPort(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65_535;
}

/** Parses a port given as text; returns undefined unless it is a whole number 1..65535. */
export function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return isPort(port) ? port : undefined;
}

/**
 * Parses `IP` or `IP:PORT`. A missing port becomes `defaultPort`.
 * Returns undefined for anything else (host names are not resolved here).
 */
export function parseEndpoint(text: string, defaultPort: number): Endpoint | undefined {
  const trimmed = text.trim();
  const colon = trimmed.lastIndexOf(':');
  const address = colon === -1 ? trimmed : trimmed.slice(0, colon);
  if (!isIPv4(address)) return undefined;
  if (colon === -1) return { address, port: defaultPort };
  const port = parsePort(trimmed.slice(colon + 1));
  return port === undefined ? undefined : { address, port };
}

export function formatEndpoint(endpoint: Endpoint): string {
  return `${endpoint.address}:${endpoint.port}`;
}

/** Broadcast address of an IPv4 interface: the address with every host bit set. */
export function broadcastAddress(address: string, netmask: string): string | undefined {
  if (!isIPv4(address) || !isIPv4(netmask)) return undefined;
  const a = address.split('.').map(Number);
  const m = netmask.split('.').map(Number);
  return a.map((octet, i) => (octet | (~(m[i] ?? 0) & 0xff)) & 0xff).join('.');
}
