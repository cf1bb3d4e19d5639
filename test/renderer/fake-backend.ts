// An in-memory stand-in for main's handlers: the component tests (through fakeApi) and the
// Chromium scale test use it where a real node is not the point. It answers like the real backend
// (same channel map, same result shapes) but keeps everything in plain arrays.
import type {
  ChatMessage,
  Contact,
  DirectoryEntry,
  Draft,
  PacketLogEntry,
  SocketsSnapshot,
} from '../../shared/domain';
import { compactContacts } from '../../shared/ipc/contacts-compact';
import { settingsSchema, type Settings } from '../../shared/ipc/schemas';
import { IpcFailure, type CallHandlers, type SelfInfo } from '../../shared/ipc/contract';
import { emptyCounters } from '../../shared/domain';
import type { TransferInfo } from '../../shared/transfers';

export interface FakeData {
  self: SelfInfo;
  settings: Settings;
  contacts: Contact[];
  /** Every message, any order; history sorts by `receivedAt`. */
  messages: ChatMessage[];
  unread: Record<string, number>;
  packets: PacketLogEntry[];
  sockets: SocketsSnapshot;
  drafts: Draft[];
  /** What the relay directories list (none without a relay). */
  directory?: DirectoryEntry[];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export function makeSelf(patch: Partial<SelfInfo> = {}): SelfInfo {
  return {
    nodeId: 'a'.repeat(32),
    fingerprint: 'aaaa '.repeat(16).trim(),
    nick: 'Me',
    status: 'online',
    statusText: '',
    host: 'my-laptop',
    address: '192.168.1.20',
    clientPort: 4000,
    serverPort: 8000,
    tcpPort: 4000,
    discoveryTargets: ['192.168.1.255:8000'],
    relays: [],
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
        address: '192.168.1.20',
        netmask: '255.255.255.0',
        broadcast: '192.168.1.255',
        internal: false,
      },
    ],
    profile: 'default',
    appVersion: '0.1.0',
    protocolVersion: 2,
    ...patch,
  };
}

export function makeSettings(patch: Partial<Settings> = {}): Settings {
  return {
    nick: 'Me',
    status: 'online',
    serverPort: 8000,
    clientPort: 4000,
    tcpFallback: true,
    discoveryTargets: [],
    relays: [],
    relayDirectory: true,
    language: 'en',
    theme: 'light',
    notifications: true,
    statusText: '',
    avatarHue: null,
    autoAwayMinutes: 10,
    onboarded: true,
    ipmsg: true,
    ipmsgEncoding: 'auto',
    ipmsgGroup: '',
    downloadDir: null,
    autoAcceptVerified: false,
    ...patch,
  };
}

export function makeContact(id: string, patch: Partial<Contact> = {}): Contact {
  return {
    id,
    kind: 'peer',
    trust: patch.kind === 'stranger' ? 'not-encrypted' : 'encrypted',
    nick: id,
    host: `${id}-pc`,
    address: '192.168.1.30',
    port: 4000,
    tcpPort: 4000,
    status: 'online',
    online: true,
    firstSeen: 0,
    lastSeen: 0,
    ...patch,
    path: patch.path ?? {
      kind: 'lan',
      address: patch.address ?? '192.168.1.30',
      port: patch.port ?? 4000,
    },
  };
}

export function makeMessage(
  id: string,
  peerId: string,
  patch: Partial<ChatMessage> = {},
): ChatMessage {
  return {
    id,
    peerId,
    direction: 'in',
    text: `message ${id}`,
    transport: 'udp',
    state: 'received',
    seq: 1,
    sentAt: 0,
    receivedAt: 0,
    remote: '192.168.1.30:4000',
    ...patch,
  };
}

/** A transfer: one file of 2 KiB offered by alice, unless `patch` says otherwise. */
export function makeTransfer(patch: Partial<TransferInfo> = {}): TransferInfo {
  return {
    id: 'a'.repeat(32),
    peerId: 'alice',
    direction: 'receive',
    state: 'offered',
    files: 1,
    filesDone: 0,
    filesFailed: 0,
    folders: 0,
    names: ['photo.png'],
    bytes: 2048,
    bytesDone: 0,
    rate: 0,
    createdAt: 0,
    updatedAt: 0,
    ...patch,
  };
}

export function makePacket(seq: number, patch: Partial<PacketLogEntry> = {}): PacketLogEntry {
  return {
    seq,
    at: seq * 1000,
    direction: 'in',
    transport: 'udp',
    local: '0.0.0.0:4000',
    remote: '192.168.1.30:4000',
    size: 120,
    kind: 'announce',
    summary: `packet ${seq}`,
    ...patch,
  };
}

/** A small LAN: two peers online, one offline, one stranger, a few messages and packets. */
export function sampleData(now: number): FakeData {
  const contacts = [
    makeContact('alice', { nick: 'Alice', address: '192.168.1.31', lastSeen: now }),
    makeContact('xiaoming', { nick: '小明', address: '192.168.1.32', port: 4001, status: 'busy' }),
    makeContact('bob', {
      nick: 'Bob',
      address: '192.168.1.33',
      online: false,
      lastSeen: now - 3 * HOUR,
    }),
    makeContact('stranger:192.168.1.50:5555', {
      kind: 'stranger',
      nick: '192.168.1.50:5555',
      host: '',
      address: '192.168.1.50',
      port: 5555,
      tcpPort: null,
    }),
  ];
  const messages = [
    makeMessage('m1', 'alice', { text: 'Hi! Are you on the LAN?', receivedAt: now - 26 * HOUR }),
    makeMessage('m2', 'alice', {
      direction: 'out',
      text: 'Yes, port 4000 as always',
      state: 'delivered',
      rttMs: 3,
      receivedAt: now - 25 * HOUR,
    }),
    makeMessage('m3', 'alice', { text: 'Lunch at noon?', receivedAt: now - 5 * MINUTE }),
    makeMessage('m4', 'xiaoming', {
      text: '你好！',
      receivedAt: now - 2 * MINUTE,
      remote: '192.168.1.32:4001',
    }),
    makeMessage('m5', 'stranger:192.168.1.50:5555', {
      text: 'hello from netcat',
      receivedAt: now - MINUTE,
      remote: '192.168.1.50:5555',
    }),
  ];
  return {
    self: makeSelf(),
    settings: makeSettings(),
    contacts,
    messages,
    unread: { alice: 1, xiaoming: 1, 'stranger:192.168.1.50:5555': 1 },
    packets: [
      makePacket(1, {
        at: now - 2000,
        kind: 'announce',
        summary: 'hello from Alice',
        peerId: 'alice',
        fields: { kind: 'announce', nick: 'Alice', port: 4000 },
      }),
      makePacket(2, {
        at: now - 1000,
        direction: 'out',
        kind: 'ack',
        summary: 'ack m3',
        peerId: 'alice',
      }),
    ],
    sockets: {
      sockets: [
        { role: 'udp-server', local: '0.0.0.0:8000', state: 'bound' },
        { role: 'udp-client', local: '0.0.0.0:4000', state: 'bound' },
        { role: 'tcp-listener', local: '0.0.0.0:4000', state: 'listening' },
      ],
      interfaces: makeSelf().interfaces,
      counters: { ...emptyCounters(), datagramsSent: 12, datagramsReceived: 30, bytesSent: 4096 },
    },
    drafts: [],
  };
}

const sorted = new WeakMap<ChatMessage[], { length: number; byPeer: Map<string, ChatMessage[]> }>();

/** One conversation, oldest first; cached until a message is added (the scale test has 100,000). */
function historyOf(data: FakeData, peerId: string): ChatMessage[] {
  let cache = sorted.get(data.messages);
  if (cache?.length !== data.messages.length) {
    cache = { length: data.messages.length, byPeer: new Map() };
    sorted.set(data.messages, cache);
  }
  let list = cache.byPeer.get(peerId);
  if (list === undefined) {
    list = data.messages
      .filter((m) => m.peerId === peerId)
      .sort((a, b) => a.receivedAt - b.receivedAt);
    cache.byPeer.set(peerId, list);
  }
  return list;
}

let sentCounter = 0;

/** Handlers over `data` (mutated in place, so a test can look at what was sent or saved). */
export function fakeHandlers(data: FakeData): CallHandlers {
  const contact = (peerId: string) => {
    const found = data.contacts.find((c) => c.id === peerId);
    if (!found) throw new IpcFailure('not-found', `no such contact: ${peerId}`, 'peerId');
    return found;
  };
  const muted = new Set<string>();
  return {
    'app:ready': () => null,
    'self:get': () => data.self,
    'contacts:list': () => data.contacts,
    'contacts:listCompact': () => compactContacts(data.contacts),
    'directory:search': ({ query, limit }) => {
      if (data.self.relays.length === 0) return [];
      const q = query.toLowerCase();
      return (data.directory ?? [])
        .filter((e) => e.nick.toLowerCase().includes(q) || e.nodeId.startsWith(q))
        .slice(0, limit);
    },
    'directory:add': ({ nodeId }) => {
      if (data.self.relays.length === 0)
        throw new IpcFailure('unavailable', 'no relay broker is configured');
      if (!(data.directory ?? []).some((e) => e.nodeId === nodeId))
        throw new IpcFailure('not-found', `not in the directory: ${nodeId}`, 'nodeId');
      return null;
    },
    'contacts:add': ({ address, waitMs }) => {
      const [ip = '', port] = address.split(':');
      const at = { address: ip, port: port === undefined ? data.self.serverPort : Number(port) };
      if (waitMs === undefined) return at;
      // A PacketChat node answers from its client port: a hello to the server port finds any.
      const found = data.contacts.find(
        (c) =>
          c.kind === 'peer' &&
          c.address === at.address &&
          (at.port === data.self.serverPort || c.port === at.port),
      );
      return { ...at, peer: found ?? null };
    },
    'conversations:list': () =>
      data.contacts.map((c) => {
        const unread = data.unread[c.id] ?? 0;
        const incoming = historyOf(data, c.id).filter((m) => m.direction === 'in');
        return {
          peerId: c.id,
          unread,
          firstUnreadId: unread === 0 ? null : (incoming.at(-unread)?.id ?? null),
          lastMessage: historyOf(data, c.id).at(-1) ?? null,
          mentions: 0,
        };
      }),
    'messages:history': ({ peerId, before, limit }) => {
      const all = historyOf(data, peerId);
      const end = before === undefined ? all.length : Number(before);
      const start = Math.max(0, end - limit);
      return { messages: all.slice(start, end), nextCursor: start === 0 ? null : String(start) };
    },
    'messages:send': ({ peerId, text, reply }) => {
      const to = contact(peerId);
      sentCounter += 1;
      const at = Date.now();
      const message: ChatMessage = {
        id: `sent-${sentCounter}`,
        peerId,
        direction: 'out',
        text,
        transport: new TextEncoder().encode(text).length > 1200 ? 'tcp' : 'udp',
        state: 'sending',
        seq: sentCounter,
        sentAt: at,
        receivedAt: at,
        remote: `${to.address}:${to.port}`,
        ...(reply === undefined ? {} : { reply }),
      };
      data.messages.push(message);
      return message;
    },
    'messages:retry': ({ messageId }) => {
      if (!data.messages.some((m) => m.id === messageId)) {
        throw new IpcFailure('not-found', `no message ${messageId}`, 'messageId');
      }
      return null;
    },
    'messages:cancel': ({ messageId }) => {
      if (!data.messages.some((m) => m.id === messageId)) {
        throw new IpcFailure('not-found', `no message ${messageId}`, 'messageId');
      }
      return null;
    },
    'messages:delete': ({ messageIds }) => {
      const deleted = data.messages.filter((m) => messageIds.includes(m.id)).map((m) => m.id);
      data.messages = data.messages.filter((m) => !messageIds.includes(m.id));
      return { deleted };
    },
    'messages:markRead': ({ peerId }) => {
      data.unread[peerId] = 0;
      return { peerId, unread: Object.values(data.unread).reduce((a, b) => a + b, 0) };
    },
    'messages:markReadUpTo': ({ peerId, messageId }) => {
      const incoming = historyOf(data, peerId).filter((m) => m.direction === 'in');
      const index = historyOf(data, peerId).findIndex((m) => m.id === messageId);
      if (index < 0) throw new IpcFailure('not-found', `no message ${messageId}`, 'messageId');
      const after = historyOf(data, peerId)
        .slice(index + 1)
        .filter((m) => m.direction === 'in').length;
      data.unread[peerId] = Math.min(data.unread[peerId] ?? 0, after, incoming.length);
      const total = Object.values(data.unread).reduce((a, b) => a + b, 0);
      return { peerId, unread: data.unread[peerId] ?? 0, mentions: 0, total };
    },
    'messages:typing': () => null,
    'drafts:list': () => data.drafts,
    'drafts:set': ({ peerId, text }) => {
      data.drafts = data.drafts.filter((d) => d.peerId !== peerId);
      if (text !== '') data.drafts.push({ peerId, text, updatedAt: Date.now() });
      return null;
    },
    'messages:search': ({ query, limit }) =>
      data.messages
        .filter((m) => m.text.toLowerCase().includes(query.toLowerCase()))
        .slice(0, limit)
        .map((m) => ({
          messageId: m.id,
          peerId: m.peerId,
          snippet: m.text.replace(
            new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i'),
            (w) => `[${w}]`,
          ),
          at: m.receivedAt,
        })),
    'inspector:packets': ({ limit }) => data.packets.slice(-limit),
    'inspector:payload': ({ seq }) => {
      const packet = data.packets.find((p) => p.seq === seq);
      if (!packet) return null;
      const text = JSON.stringify({ proto: 'pchat', v: 2, ...packet.fields });
      const bytes = new TextEncoder().encode(text);
      const decrypted = packet.sealed !== undefined;
      return {
        seq,
        base64: btoa(String.fromCharCode(...bytes)),
        size: bytes.byteLength,
        decrypted,
      };
    },
    'inspector:sockets': () => data.sockets,
    'settings:get': () => data.settings,
    'settings:set': (patch) => {
      data.settings = settingsSchema.parse({ ...data.settings, ...patch });
      return data.settings;
    },
    'app:openExternal': () => null,
    'contacts:safetyNumber': () => ({
      digits: '1'.repeat(60),
      qr: 'PACKETCHAT-SN:1:',
      fingerprint: '',
      mine: '',
    }),
    'contacts:verify': ({ peerId }) => ({ ...contact(peerId), trust: 'verified' }),
    'contacts:acceptKey': ({ peerId }) => ({ peerId }),
    // Groups and multi-send: the fake answers as a node in no group (test/renderer/components/
    // Groups.test.tsx replaces these handlers).
    'messages:sendMany': () => {
      throw new IpcFailure('unavailable', 'the fake backend has no multi-send');
    },
    'groups:list': () => [],
    'groups:create': noGroups,
    'groups:add': noGroups,
    'groups:remove': noGroups,
    'groups:leave': noGroups,
    'groups:rename': noGroups,
    'groups:makeAdmin': noGroups,
    'groups:deliveries': noGroups,
    'conversations:mutes': () => [...muted],
    'conversations:mute': ({ peerId, muted: on }) => {
      if (on) muted.add(peerId);
      else muted.delete(peerId);
      return { peerId, muted: on };
    },
    'files:send': () => {
      throw new IpcFailure('unavailable', 'no files in the fake backend');
    },
    'files:accept': ({ id }) => {
      throw new IpcFailure('not-found', `no transfer ${id}`);
    },
    'files:decline': ({ id }) => {
      throw new IpcFailure('not-found', `no transfer ${id}`);
    },
    'files:cancel': ({ id }) => {
      throw new IpcFailure('not-found', `no transfer ${id}`);
    },
    'files:list': () => [],
    'files:pause': ({ id }) => {
      throw new IpcFailure('not-found', `no transfer ${id}`);
    },
    'files:resume': ({ id }) => {
      throw new IpcFailure('not-found', `no transfer ${id}`);
    },
    'files:retry': ({ id }) => {
      throw new IpcFailure('not-found', `no transfer ${id}`);
    },
    'files:files': ({ id }) => {
      throw new IpcFailure('not-found', `no transfer ${id}`);
    },
    'files:pick': () => {
      throw new IpcFailure('unavailable', 'no file dialog in the fake backend');
    },
    'files:drop': () => {
      throw new IpcFailure('unavailable', 'no files in the fake backend');
    },
    'files:sendImage': () => {
      throw new IpcFailure('unavailable', 'no files in the fake backend');
    },
    'files:sendImageMany': () => {
      throw new IpcFailure('unavailable', 'no files in the fake backend');
    },
    'files:thumbnail': () => null,
    'files:open': ({ id }) => {
      throw new IpcFailure('not-found', `no transfer ${id}`);
    },
    'ipmsg:refresh': () => null,
  };
}

function noGroups(): never {
  throw new IpcFailure('not-found', 'the fake backend is in no group');
}
