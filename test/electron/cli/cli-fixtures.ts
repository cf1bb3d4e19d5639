// Plain contract values for the CLI's unit tests.
import type { ChatMessage, Contact } from '../../../shared/domain';
import type { SelfInfo } from '../../../shared/ipc/contract';
import type { Ui } from '../../../electron/cli/format';
import { translator } from '../../../electron/cli/i18n';

export function selfInfo(change: Partial<SelfInfo> = {}): SelfInfo {
  return {
    nodeId: 'f'.repeat(32),
    fingerprint: 'abcd efgh ijkl mnop',
    nick: 'me',
    status: 'online',
    statusText: '',
    host: 'box',
    address: '192.168.1.23',
    clientPort: 4000,
    serverPort: 8000,
    tcpPort: 4000,
    interfaces: [
      {
        name: 'lo',
        address: '127.0.0.1',
        netmask: '255.0.0.0',
        broadcast: '127.255.255.255',
        internal: true,
      },
      {
        name: 'eth0',
        address: '192.168.1.23',
        netmask: '255.255.255.0',
        broadcast: '192.168.1.255',
        internal: false,
      },
    ],
    discoveryTargets: ['192.168.1.255:8000'],
    relays: [],
    profile: 'default',
    appVersion: '0.1.0',
    protocolVersion: 2,
    ...change,
  };
}

export function contact(nick: string, change: Partial<Contact> = {}): Contact {
  return {
    kind: 'peer',
    id: nick
      .replace(/[^a-z]/gi, 'x')
      .toLowerCase()
      .padEnd(32, '0')
      .slice(0, 32),
    nick,
    host: `${nick}-host`,
    address: '192.168.1.5',
    port: 4000,
    tcpPort: 4000,
    status: 'online',
    online: true,
    firstSeen: 1,
    lastSeen: 1,
    trust: 'encrypted',
    ...change,
    path: change.path ?? {
      kind: 'lan',
      address: change.address ?? '192.168.1.5',
      port: change.port ?? 4000,
    },
  };
}

export function message(change: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id: 'm1',
    peerId: contact('alice').id,
    direction: 'in',
    text: 'hello',
    transport: 'udp',
    state: 'received',
    seq: 1,
    sentAt: 0,
    receivedAt: 0,
    remote: '192.168.1.5:4000',
    ...change,
  };
}

/** English, no colours, a fixed clock: lines as a pipe shows them. */
export const plainUi: Ui = { t: translator('en'), paint: (_, text) => text, clock: () => '12:00' };

/** Colours visible as <colour>…</colour>, to see what is painted. */
export const markedUi: Ui = {
  ...plainUi,
  paint: (colour, text) => `<${colour}>${text}</${colour}>`,
};
