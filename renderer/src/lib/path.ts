/** How a peer is reached, in words: "LAN 10.0.0.5:4000" or "via relay broker.example:8883". */
import type { TFunction } from 'i18next';
import type { Contact, RelayStatus } from '../../../shared/domain';
import { endpoint } from './format';

/** The path of a peer; a stranger (plain UDP) or an IPMsg peer (LAN only) is its IP:port. */
export function pathText(t: TFunction, c: Contact): string {
  if (c.kind === 'stranger' || c.protocol === 'ipmsg') return endpoint(c.address, c.port);
  return c.path.kind === 'relay'
    ? t('path.relay', { broker: c.path.broker })
    : t('path.lan', { address: endpoint(c.path.address, c.path.port) });
}

/** The address a contact row shows: IP:port on the LAN (as always), the broker when relayed. */
export function rowAddress(t: TFunction, c: Contact): string {
  return c.kind !== 'stranger' && c.path.kind === 'relay'
    ? t('path.relay', { broker: c.path.broker })
    : endpoint(c.address, c.port);
}

/** A relay URL as main shows it (no user, no password), or undefined when it does not parse. */
export function publicRelayUrl(text: string): string | undefined {
  try {
    const url = new URL(text.trim());
    return `${url.protocol}//${url.host}`;
  } catch {
    return undefined;
  }
}

/** The running connection to the broker a settings row names, if it runs. */
export function statusFor(statuses: readonly RelayStatus[], url: string): RelayStatus | undefined {
  const shown = publicRelayUrl(url);
  return shown === undefined ? undefined : statuses.find((s) => s.url === shown);
}
