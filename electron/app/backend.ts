// The main side of the app: one Session (profile, store, node) behind every call, and the node's
// events turned into contract events. Electron-free: the Electron shell, the end-to-end tests and
// the CLI all run it, each with its own transport in front of the same handlers.
import type { PeerInfo } from '../../shared/domain';
import type {
  CallHandlers,
  EventChannel,
  EventPayloads,
  EventSink,
} from '../../shared/ipc/contract';
import type { StorageHealth } from '../net/index';
import type { ProfileLock, ProfileRequest } from '../store/profiles';
import { peerContactChange, selfInfo, strangerContact } from './contacts';
import { createHandlers } from './handlers';
import { Session, type SessionOptions } from './session';
import { DEFAULT_SETTINGS } from './settings';
import { Trust } from './trust';

export interface BackendOptions {
  /** Which profile to lock (a directory, or a name; default: the first free automatic one). */
  readonly profile?: ProfileRequest;
  /** The profile's lock when the caller took it already; released on close. */
  readonly lock?: ProfileLock;
  /** A nickname to save to the profile (the CLI's --nick). */
  readonly nick?: string;
  readonly appVersion: string;
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

const COUNTERS_EVERY_MS = 1_000;

function storageNotice(health: StorageHealth) {
  return {
    level: health.ok ? ('info' as const) : ('error' as const),
    code: health.ok ? 'storage-ok' : health.diskFull ? 'disk-full' : 'storage-failed',
    message: health.message,
  };
}

export function createBackend(options: BackendOptions): Backend {
  /** A key change changes how two contacts show: tell the renderer again. */
  function refreshContacts<E extends EventChannel>(event: E, payload: EventPayloads[E]): void {
    if (event !== 'key-changed' || session === undefined || trust === undefined) return;
    const { peer, to } = payload as EventPayloads['key-changed'];
    for (const id of [peer, to]) {
      const known = session.store.listPeers().find((p) => p.id === id);
      const contact = known === undefined ? undefined : trust.contact(known);
      if (contact !== undefined)
        options.emit('contact', { change: 'updated', peer: contact, kind: 'peer' });
    }
  }

  let session: Session | undefined;
  let trust: Trust | undefined;
  let starting: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  let countersTimer: NodeJS.Timeout | undefined;
  const { emit } = options;

  const current = (): Session | undefined => (closing === undefined ? session : undefined);
  const self = () => {
    const s = current();
    return s === undefined
      ? undefined
      : selfInfo(s.node.info(), s.node.fingerprint, s.profile.name, options.appVersion);
  };

  function wire(s: Session, t: Trust): void {
    const { node, store } = s;
    const asContact = (peer: PeerInfo) => t.contact(peer);
    node.on('peer', (change) => {
      const event = peerContactChange(change, asContact);
      if (event !== undefined) emit('contact', event);
    });
    node.on('session', (peerSession) => t.onSession(peerSession));
    node.on('stranger', ({ stranger }) =>
      emit('contact', { change: 'added', peer: strangerContact(stranger, true), kind: 'stranger' }),
    );
    node.on('message', (message) => {
      emit('message', message);
      emit('unread', { total: store.reads.unreadTotal() });
    });
    node.on('message-state', (change) => emit('message-state', change));
    node.on('typing', (typing) => emit('typing', typing));
    node.on('packet', (entry) => emit('packets', [entry]));
    node.on('warning', (warning) => emit('warning', warning));
    node.on('storage', (health) => emit('notice', storageNotice(health)));
    node.on('directory', (entry) => emit('directory', entry));
    node.on('relay', () => {
      const info = self();
      if (info !== undefined) emit('self', info);
    });
    let lastCounters = '';
    countersTimer = setInterval(() => {
      const counters = node.info().counters;
      const text = JSON.stringify(counters);
      if (text === lastCounters) return;
      lastCounters = text;
      emit('counters', counters);
    }, COUNTERS_EVERY_MS);
    countersTimer.unref();
  }

  async function start(): Promise<void> {
    const s = Session.open({
      ...(options.profile === undefined ? {} : { profile: options.profile }),
      ...(options.lock === undefined ? {} : { lock: options.lock }),
      ...(options.nick === undefined ? {} : { nick: options.nick }),
      ...(options.node === undefined ? {} : { node: options.node }),
    });
    session = s;
    trust = new Trust(s.store, s.node, (event, payload) => {
      emit(event, payload);
      refreshContacts(event, payload);
    });
    trust.restore();
    wire(s, trust);
    for (const notice of s.notices) emit('notice', { level: 'warning', ...notice });
    const invalid = s.store.getSettings().invalid;
    if (invalid.length > 0)
      emit('notice', {
        level: 'warning',
        code: 'settings-reset',
        message: `Some stored settings were invalid and their defaults are used: ${invalid.join(', ')}`,
      });
    try {
      await s.node.start();
    } catch (error) {
      clearInterval(countersTimer);
      await s.close();
      session = undefined;
      throw error;
    }
    const info = self();
    if (info !== undefined) emit('self', info);
  }

  return {
    handlers: createHandlers({
      session: current,
      trust: () => (current() === undefined ? undefined : trust),
      self,
      emit,
      defaults: DEFAULT_SETTINGS,
    }),
    start() {
      starting ??= start();
      return starting;
    },
    close() {
      closing ??= (async () => {
        clearInterval(countersTimer);
        await starting?.catch(() => undefined);
        await session?.close();
      })();
      return closing;
    },
  };
}
