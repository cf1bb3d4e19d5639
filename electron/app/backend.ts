// The main side of the app: one Session (profile, store, node) behind every IPC call, and the
// node's events turned into renderer events. Electron-free: the end-to-end tests run it in Node.
import type { CallHandlers, EventSink, PacketLogEntry } from '../../shared/ipc';
import type { ProfileLock } from '../store/profiles';
import { peerContactChange, selfInfo, strangerContact } from './contacts';
import { createHandlers } from './handlers';
import { Session, type SessionOptions } from './session';
import { DEFAULT_SETTINGS } from './settings';

export interface BackendOptions {
  /** Profile directory (its database, identity and lock). */
  readonly dataDir: string;
  readonly profile: string;
  readonly appVersion: string;
  /** The profile's lock when the caller took it already; released on close. */
  readonly lock?: ProfileLock;
  /** Node overrides (ports, discovery, timers) from the command line or tests; they win over settings. */
  readonly node?: SessionOptions['node'];
  readonly emit: EventSink;
}

export interface Backend {
  readonly handlers: CallHandlers;
  /** Opens the store and starts the node. Rejects with a clear message on bind or storage errors. */
  start(): Promise<void>;
  /** Says bye, keeps the outbox, closes the store. Idempotent. */
  close(): Promise<void>;
}

/** Packet log entries go to the renderer in batches, at most this often. */
const PACKET_FLUSH_MS = 250;
const MAX_PACKETS_PER_BATCH = 500;
const COUNTERS_EVERY_MS = 1_000;

export function createBackend(options: BackendOptions): Backend {
  let session: Session | undefined;
  let starting: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  const timers: NodeJS.Timeout[] = [];
  let packets: PacketLogEntry[] = [];
  const { emit } = options;

  const current = (): Session | undefined => (closing === undefined ? session : undefined);
  const self = () => {
    const s = current();
    return s === undefined
      ? undefined
      : selfInfo(s.node.info(), options.profile, options.appVersion);
  };

  function open(): Session {
    return Session.open({
      profile: { dataDir: options.dataDir },
      ...(options.lock === undefined ? {} : { lock: options.lock }),
      ...(options.node === undefined ? {} : { node: options.node }),
    });
  }

  function wire(s: Session): void {
    const { node, store } = s;
    node.on('peer', (change) => emit('contact', peerContactChange(change)));
    node.on('stranger', ({ stranger }) =>
      emit('contact', { change: 'added', peer: strangerContact(stranger, true), kind: 'stranger' }),
    );
    node.on('message', (received) => {
      const stored = store.getMessage(received.id);
      if (stored !== undefined) emit('message', stored);
      emit('unread', { total: store.unreadTotal() });
    });
    node.on('status', (update) =>
      emit('message-state', {
        id: update.id,
        peerId: update.to,
        state: update.status,
        transport: update.transport,
        ...(update.rttMs === undefined ? {} : { rttMs: update.rttMs }),
      }),
    );
    node.on('packet', (entry) => {
      packets.push(entry);
      if (packets.length > MAX_PACKETS_PER_BATCH) packets = packets.slice(-MAX_PACKETS_PER_BATCH);
    });
    let lastCounters = '';
    timers.push(
      setInterval(() => {
        if (packets.length === 0) return;
        const batch = packets;
        packets = [];
        emit('packets', batch);
      }, PACKET_FLUSH_MS),
      setInterval(() => {
        const counters = node.info().counters;
        const text = JSON.stringify(counters);
        if (text === lastCounters) return;
        lastCounters = text;
        emit('counters', counters);
      }, COUNTERS_EVERY_MS),
    );
    for (const timer of timers) timer.unref();
  }

  async function start(): Promise<void> {
    const s = open();
    session = s;
    wire(s);
    try {
      await s.node.start();
    } catch (error) {
      await s.close();
      session = undefined;
      throw error;
    }
    for (const notice of s.notices)
      emit('notice', { level: 'warning', code: notice.code, message: notice.message });
    const invalid = s.store.getSettings().invalid;
    if (invalid.length > 0)
      emit('notice', {
        level: 'warning',
        code: 'settings-reset',
        message: `Some stored settings were invalid and their defaults are used: ${invalid.join(', ')}`,
      });
    const info = self();
    if (info !== undefined) emit('self', info);
  }

  return {
    handlers: createHandlers({ session: current, self, emit, defaults: DEFAULT_SETTINGS }),
    start() {
      starting ??= start();
      return starting;
    },
    close() {
      closing ??= (async () => {
        for (const timer of timers.splice(0)) clearInterval(timer);
        await starting?.catch(() => undefined);
        await session?.close();
      })();
      return closing;
    },
  };
}
