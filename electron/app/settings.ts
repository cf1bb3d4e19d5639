import type { Settings } from '../../shared/ipc/schemas';
import { DEFAULT_CLIENT_PORT, DEFAULT_SERVER_PORT } from '../../shared/protocol/constants';
import type { Identity } from '../store/identity-file';
import type { StoredSettings } from '../store/store';

export const DEFAULT_SETTINGS: StoredSettings = {
  serverPort: DEFAULT_SERVER_PORT,
  clientPort: DEFAULT_CLIENT_PORT,
  tcpFallback: true,
  discoveryTargets: [],
  relays: [],
  relayDirectory: true,
  language: 'system',
  theme: 'system',
  notifications: true,
  statusText: '',
  avatarHue: null,
  autoAwayMinutes: 10,
  onboarded: false,
  ipmsg: true,
  ipmsgEncoding: 'auto',
  ipmsgGroup: '',
  downloadDir: null,
  autoAcceptVerified: false,
};

export function fullSettings(identity: Identity, stored: Partial<StoredSettings>): Settings {
  return { ...DEFAULT_SETTINGS, ...stored, nick: identity.nick, status: identity.status };
}
