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
import { prepareCryptoProvider, type IpmsgNode, type StorageHealth } from '../net/index';
import type { ProfileLock, ProfileRequest } from '../store/profiles';
import { peerContactChange, selfInfo, strangerContact } from './contacts';
import { EngineTransferRoute } from './engine-transfers';
import { createHandlers } from './handlers';
import { IpmsgContacts, MergedPacketLog, type IpmsgLaunch, type LiveBridge } from './ipmsg-bridge';
import { storeCards, storeTransferRecords } from './ipmsg-transfer-keeping';
import { IpmsgTransferRoute } from './ipmsg-transfers';
import { Session, type SessionOptions } from './session';
import { DEFAULT_SETTINGS } from './settings';
import { Transfers } from './transfers';
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
  /** File engine options (tests' timers). */
  readonly files?: SessionOptions['files'];
  /**
   * The IPMsg bridge on port 2425 (docs/IPMSG.md). The CLI and the desktop app always pass it
   * (the `ipmsg` setting, default on, decides unless a flag does); without it there is none.
   */
  readonly ipmsg?: IpmsgLaunch;
  /** `--accept-files DIR`: accept every incoming file offer into this folder. */
  readonly acceptFilesDir?: string;
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
      // The live peer first: the stored row does not say whether the peer is online.
      const known =
        session.node.peerList().find((p) => p.id === id) ??
        session.store.listPeers().find((p) => p.id === id);
      const contact = known === undefined ? undefined : trust.contact(known);
      if (contact !== undefined)
        options.emit('contact', { change: 'updated', peer: contact, kind: 'peer' });
    }
  }

  let session: Session | undefined;
  let trust: Trust | undefined;
  let transfers: Transfers | undefined;
  let bridge: LiveBridge | undefined;
  /** What `self.ipmsg` says: the port held, or why there is none. */
  let ipmsgState: { port: number | null; reason?: string } | undefined;
  /** One log for both protocols while a bridge exists (see MergedPacketLog). */
  let packetLog: MergedPacketLog | undefined;
  let starting: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  let countersTimer: NodeJS.Timeout | undefined;
  const { emit } = options;

  const current = (): Session | undefined => (closing === undefined ? session : undefined);
  const self = () => {
    const s = current();
    if (s === undefined) return undefined;
    const info = selfInfo(s.node.info(), s.node.fingerprint, s.profile.name, options.appVersion);
    return ipmsgState === undefined ? info : { ...info, ipmsg: ipmsgState };
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
    // Batches whose tally is due: counted after the turn, when the node has written the turn's
    // delivery states (they are stored in one transaction after it, electron/net/state-writer.ts).
    const dueBatches = new Set<string>();
    node.on('message-state', (change) => {
      emit('message-state', change);
      // A message of a multi-send: the batch's tally follows (one read by primary key).
      const batch = change.recipients === undefined ? store.reads.batchOf(change.id) : undefined;
      if (batch === undefined) return;
      if (dueBatches.size === 0)
        setImmediate(() => {
          const due = [...dueBatches];
          dueBatches.clear();
          try {
            for (const id of due) emit('batch', { batch: id, tally: store.reads.batchTally(id) });
          } catch {
            // The session closed within the turn: nobody is listening any more.
          }
        });
      dueBatches.add(batch);
    });
    node.on('group', (change) => emit('group', change));
    // A file offer we sent shows in the conversation as a card (it is no answer of messages:send).
    node.on('card', (message) => emit('message', message));
    node.on('typing', (typing) => emit('typing', typing));
    node.on('packet', (entry) => emit('packets', [packetLog?.add(entry, false) ?? entry]));
    node.on('warning', (warning) => emit('warning', warning));
    node.on('storage', (health) => emit('notice', storageNotice(health)));
    node.on('directory', (entry) => emit('directory', entry));
    node.on('relay', () => {
      const info = self();
      if (info !== undefined) emit('self', info);
    });
    let lastCounters = '';
    countersTimer = setInterval(() => {
      const counters = node.countersNow();
      const text = JSON.stringify(counters);
      if (text === lastCounters) return;
      lastCounters = text;
      emit('counters', counters);
    }, COUNTERS_EVERY_MS);
    countersTimer.unref();
  }

  /** The bridge's events, the same way as the node's (docs/IPMSG.md, "Wiring", step 5). */
  function wireIpmsg(s: Session, ipmsg: IpmsgNode, log: MergedPacketLog): IpmsgContacts {
    const contacts = new IpmsgContacts(ipmsg, s.node, emit);
    ipmsg.on('peer', (change) => contacts.onIpmsgPeer(change));
    s.node.on('peer', (change) => contacts.onPacketChatPeer(change));
    ipmsg.on('message', (message) => {
      emit('message', message);
      emit('unread', { total: s.store.reads.unreadTotal() });
    });
    ipmsg.on('message-state', (change) => emit('message-state', change));
    ipmsg.on('message-read', (read) => emit('message-read', read));
    ipmsg.on('packet', (entry) => emit('packets', [log.add(entry, true)]));
    ipmsg.on('warning', (warning) => emit('warning', warning));
    ipmsg.on('storage', (health) => emit('notice', storageNotice(health)));
    return contacts;
  }

  /** Binds 2425 after the node runs; a taken port is a notice, and the app runs on without it. */
  async function startIpmsg(ipmsg: IpmsgNode, contacts: IpmsgContacts): Promise<void> {
    const result = await ipmsg.start().catch((error: unknown) => ({
      ok: false as const,
      unavailable: { message: error instanceof Error ? error.message : String(error) },
    }));
    if (result.ok) {
      bridge = { node: ipmsg, contacts };
      ipmsgState = { port: result.info.port };
      return;
    }
    ipmsgState = { port: null, reason: result.unavailable.message };
    emit('notice', { level: 'warning', code: 'ipmsg-port', message: result.unavailable.message });
  }

  /**
   * The download folder, when the settings say to accept files from verified contacts at once and
   * this peer is one (docs/FILES.md, "Settings"); else undefined: the offer waits for the user.
   */
  function verifiedInto(peerId: string): string | undefined {
    const s = session;
    if (s === undefined || trust === undefined) return undefined;
    const { values } = s.store.getSettings();
    const dir = values.downloadDir ?? null;
    if (values.autoAcceptVerified !== true || dir === null) return undefined;
    const peer =
      s.node.peerList().find((p) => p.id === peerId) ??
      s.store.listPeers().find((p) => p.id === peerId);
    return peer !== undefined && trust.contact(peer)?.trust === 'verified' ? dir : undefined;
  }

  function createTransfers(): Transfers {
    const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));
    return new Transfers({
      emit: (event) => emit('transfer', event),
      autoAcceptInto: (transfer) => options.acceptFilesDir ?? verifiedInto(transfer.peerId),
      onAutoAcceptError: (id, error) =>
        emit('notice', {
          level: 'warning',
          code: 'accept-failed',
          message: `Could not accept ${id}: ${reason(error)}`,
        }),
    });
  }

  /** The bridge's side of start(): one packet log, its events, its transfer route. */
  function attachIpmsg(s: Session, t: Transfers): IpmsgContacts | undefined {
    if (s.ipmsg === undefined) {
      if (options.ipmsg !== undefined) ipmsgState = { port: null, reason: 'IPMsg is turned off' };
      return undefined;
    }
    packetLog = new MergedPacketLog();
    const onStorageError = (error: unknown) =>
      emit('notice', {
        level: 'error',
        code: 'storage-failed',
        message: `A file transfer could not be saved: ${error instanceof Error ? error.message : String(error)}`,
      });
    t.add(
      new IpmsgTransferRoute(
        s.ipmsg,
        t.report,
        (id, name, error) =>
          emit('notice', {
            level: 'warning',
            code: 'transfer-file-failed',
            message: `${name} (${id}) did not arrive: ${error}`,
          }),
        {
          records: storeTransferRecords(s.store),
          cards: storeCards(s.store, emit, onStorageError),
          onStorageError,
        },
      ),
    );
    return wireIpmsg(s, s.ipmsg, packetLog);
  }

  async function start(): Promise<void> {
    // The crypto self-test, with @noble loaded only if a node:crypto primitive fails it.
    if (options.node?.crypto === undefined) await prepareCryptoProvider();
    const s = Session.open({
      ...(options.profile === undefined ? {} : { profile: options.profile }),
      ...(options.lock === undefined ? {} : { lock: options.lock }),
      ...(options.nick === undefined ? {} : { nick: options.nick }),
      ...(options.node === undefined ? {} : { node: options.node }),
      ...(options.files === undefined ? {} : { files: options.files }),
      ...(options.ipmsg === undefined
        ? {}
        : { ipmsg: { appVersion: options.appVersion, ...options.ipmsg } }),
    });
    session = s;
    trust = new Trust(s.store, s.node, (event, payload) => {
      emit(event, payload);
      refreshContacts(event, payload);
    });
    trust.restore();
    wire(s, trust);
    transfers = createTransfers();
    // PacketChat peers' transfers go through the file engine; IPMsg peers' through the bridge.
    transfers.add(new EngineTransferRoute(s.node, s.files.engine, transfers.report));
    const ipmsgContacts = attachIpmsg(s, transfers);
    for (const notice of s.notices) emit('notice', { level: 'warning', ...notice });
    const invalid = s.store.getSettings().invalid;
    if (invalid.length > 0)
      emit('notice', {
        level: 'warning',
        code: 'settings-reset',
        message: `Some stored settings were invalid and their defaults are used: ${invalid.join(', ')}`,
      });
    try {
      await s.start();
    } catch (error) {
      clearInterval(countersTimer);
      await s.close();
      session = undefined;
      throw error;
    }
    if (s.ipmsg !== undefined && ipmsgContacts !== undefined)
      await startIpmsg(s.ipmsg, ipmsgContacts);
    const info = self();
    if (info !== undefined) emit('self', info);
  }

  return {
    handlers: createHandlers({
      session: current,
      trust: () => (current() === undefined ? undefined : trust),
      bridge: () => (current() === undefined ? undefined : bridge),
      transfers: () => (current() === undefined ? undefined : transfers),
      packetLog: () => packetLog,
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
