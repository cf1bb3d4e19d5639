import {
  IpcFailure,
  type CallHandlers,
  type EventSink,
  type SelfInfo,
} from '../../shared/ipc/contract';
import { compactContacts } from '../../shared/ipc/contacts-compact';
import type { RelaySetting, Settings } from '../../shared/ipc/schemas';
import { isIpmsgPeerId } from '../../shared/ipmsg-id';
import { isStrangerId } from '../../shared/stranger-id';
import { NodeError, type PacketChatNode } from '../net/index';
import type { StoredSettings } from '../store/store';
import { contactList, resolveConversation } from './contacts';
import { createGroupCalls } from './group-calls';
import { sayHello } from './hello';
import { ipmsgCalls, withReadTimes, type IpmsgRouting } from './ipmsg-handlers';
import type { LiveBridge, MergedPacketLog } from './ipmsg-bridge';
import type { Session } from './session';
import { fileHandlers } from './transfer-handlers';
import type { Transfers } from './transfers';
import type { Trust } from './trust';
import { fullSettings } from './settings';

export interface HandlerDeps {
  /** The running session, or undefined before start and after close. */
  readonly session: () => Session | undefined;
  readonly trust: () => Trust | undefined;
  /** The IPMsg bridge while it holds its port. */
  readonly bridge: () => LiveBridge | undefined;
  readonly transfers: () => Transfers | undefined;
  /** The one log of both protocols, while a bridge exists. */
  readonly packetLog: () => MergedPacketLog | undefined;
  readonly self: () => SelfInfo | undefined;
  readonly emit: EventSink;
  readonly defaults: StoredSettings;
}

/** Node errors become IPC errors from the closed set, with the node's code as the reason. */
function mapNodeError(error: unknown): never {
  if (error instanceof NodeError) {
    const { code, message } = error;
    switch (code) {
      case 'unknown-peer':
      case 'not-found':
        throw new IpcFailure('not-found', message, undefined, code);
      case 'empty':
      case 'too-long':
        throw new IpcFailure('invalid-argument', message, 'text', code);
      case 'not-allowed':
        throw new IpcFailure('invalid-argument', message, undefined, code);
      case 'not-started':
      case 'closed':
      case 'storage':
      case 'no-relay':
        throw new IpcFailure('unavailable', message, undefined, code);
    }
  }
  throw error;
}

/** A node call whose "there is no such message" is expected and harmless. */
function ignoreNotFound(call: () => void): void {
  try {
    call();
  } catch (error) {
    if (!(error instanceof NodeError && error.code === 'not-found')) throw error;
  }
}

function nodeCall<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    return mapNodeError(error);
  }
}

/** A person opened this conversation: a stranger's messages are stored from now on. */
function lookedAt(node: PacketChatNode, id: string): string {
  if (isStrangerId(id)) node.keepStranger(id);
  return id;
}

/** Every call a transport can make, answered from the session's node and store. */
export function createHandlers(deps: HandlerDeps): CallHandlers {
  const running = (): Session => {
    const session = deps.session();
    if (session === undefined)
      throw new IpcFailure('unavailable', 'the network node is not running');
    return session;
  };
  const trusted = (): Trust => {
    const trust = deps.trust();
    if (trust === undefined) throw new IpcFailure('unavailable', 'the network node is not running');
    return trust;
  };
  const settings = (session: Session): Settings =>
    fullSettings(session.self, { ...deps.defaults, ...session.store.getSettings().values });
  const ipmsg: IpmsgRouting = ipmsgCalls(running, deps.bridge);
  const transfers = (): Transfers => {
    running();
    const t = deps.transfers();
    if (t === undefined) throw new IpcFailure('unavailable', 'the network node is not running');
    return t;
  };
  /**
   * Every contact: stored and live peers, strangers, then the IPMsg bridge's peers. Without
   * `fingerprints`, the peers' fingerprints are left out (the compact list does not carry them).
   */
  const allContacts = (fingerprints: boolean) => {
    const { node, store } = running();
    const { peers, trust } = store.peersAndTrust();
    const contacts = contactList(
      node,
      peers,
      store.reads.lastActivity(),
      trusted().contacts(trust, fingerprints),
    );
    return [...contacts, ...ipmsg.contacts()];
  };
  /** What a user typed as a conversation id: a PacketChat peer, an IPMsg peer, a stranger. */
  const resolve = (node: PacketChatNode, ref: string): string =>
    node.findPeer(ref)?.id ?? ipmsg.resolve(ref) ?? resolveConversation(node, ref);

  return {
    ...createGroupCalls({ running, nodeCall, emit: deps.emit }),
    'app:ready': () => null,
    'self:get': () => {
      running();
      const self = deps.self();
      if (self === undefined)
        throw new IpcFailure('unavailable', 'the network node is not running');
      return self;
    },
    'contacts:list': () => allContacts(true),
    'contacts:listCompact': () => compactContacts(allContacts(false)),
    'contacts:add': async ({ address, waitMs }) => {
      const { node } = running();
      ipmsg.addTarget(address);
      if (waitMs === undefined) {
        const endpoint = nodeCall(() => node.addPeer(address));
        return { address: endpoint.address, port: endpoint.port };
      }
      const hello = await sayHello(node, address, waitMs).catch(mapNodeError);
      const { endpoint, peer } = hello;
      return {
        address: endpoint.address,
        port: endpoint.port,
        peer: peer === undefined ? null : (trusted().contact(peer) ?? null),
      };
    },
    'conversations:list': () => running().store.reads.conversations(),
    'messages:history': ({ peerId, before, limit }) => {
      const { node, store } = running();
      const id = lookedAt(node, resolve(node, peerId));
      const page = store.reads.history(id, {
        limit,
        ...(before === undefined ? {} : { before }),
      });
      return isIpmsgPeerId(id) ? withReadTimes(store, page) : page;
    },
    'messages:send': ({ peerId, text, reply, sealed, mentions }) =>
      ipmsg.sendText(peerId, text, sealed === true) ??
      nodeCall(() => running().node.sendText(peerId, text, reply, mentions)).catch(mapNodeError),
    'messages:retry': ({ messageId }) => {
      try {
        running().node.retry(messageId);
      } catch (error) {
        // Not one of the node's: an IPMsg message, or the node's error stands.
        if (!(error instanceof NodeError && error.code === 'not-found' && ipmsg.retry(messageId)))
          mapNodeError(error);
      }
      return null;
    },
    'messages:cancel': ({ messageId }) => {
      nodeCall(() => running().node.cancel(messageId));
      return null;
    },
    'messages:delete': ({ messageIds }) => {
      const { node, store } = running();
      // An undelivered message stops first: deleting it must not leave it sending in the background.
      for (const id of messageIds) nodeCall(() => ignoreNotFound(() => node.cancel(id)));
      const deleted = store.deleteMessages(messageIds);
      for (const group of deleted) deps.emit('message-deleted', group);
      if (deleted.length > 0) deps.emit('unread', { total: store.reads.unreadTotal() });
      return { deleted: deleted.flatMap((g) => g.ids) };
    },
    'messages:markRead': ({ peerId }) => {
      const { node, store } = running();
      const id = lookedAt(node, resolve(node, peerId));
      store.markRead(id);
      ipmsg.markRead(id);
      const unread = store.reads.unreadTotal();
      deps.emit('unread', { total: unread });
      return { peerId: id, unread };
    },
    'messages:markReadUpTo': ({ peerId, messageId }) => {
      const { node, store } = running();
      const id = resolveConversation(node, peerId);
      if (!store.markReadUpTo(id, messageId))
        throw new IpcFailure('not-found', `no message ${messageId} with ${id}`, 'messageId');
      const total = store.reads.unreadTotal();
      // Tray and taskbar badge follow this event (electron/shell/desktop.ts).
      deps.emit('unread', { total });
      return {
        peerId: id,
        unread: store.reads.unreadIn(id),
        mentions: store.reads.mentionsIn(id),
        total,
      };
    },
    'messages:typing': ({ peerId }) => {
      running().node.sendTyping(peerId);
      return null;
    },
    'messages:search': ({ query, limit }) => running().store.reads.search(query, limit),
    'inspector:packets': ({ limit }) =>
      deps.packetLog()?.recent(limit) ?? running().node.packets(limit),
    'inspector:payload': ({ seq }) => {
      // While the bridge exists the log is renumbered (MergedPacketLog); IPMsg packets keep no
      // payload bytes.
      const own = deps.packetLog() === undefined ? seq : deps.packetLog()?.nodeSeq(seq);
      const payload = own === undefined ? undefined : running().node.payload(own);
      return payload === undefined
        ? null
        : {
            seq,
            base64: Buffer.from(payload.bytes).toString('base64'),
            size: payload.size,
            decrypted: payload.decrypted,
          };
    },
    'inspector:sockets': () => ipmsg.sockets(running().node.sockets()),
    'drafts:list': () => running().store.listDrafts(),
    'drafts:set': ({ peerId, text }) => {
      running().store.setDraft(peerId, text, Date.now());
      return null;
    },
    'settings:get': () => withoutPasswords(settings(running())),
    'settings:set': (change) => {
      const session = running();
      const { nick, status, ...given } = change;
      const rest =
        given.relays === undefined
          ? given
          : { ...given, relays: keepPasswords(given.relays, settings(session).relays) };
      const { statusText, avatarHue } = rest;
      if (nick !== undefined || status !== undefined) {
        session.setProfile({
          ...(nick === undefined ? {} : { nick }),
          ...(status === undefined ? {} : { status }),
        });
      }
      // Announced at once; kept with the settings, from which the next start reads them.
      if (statusText !== undefined || avatarHue !== undefined) {
        session.node.setProfile({
          ...(statusText === undefined ? {} : { statusText }),
          ...(avatarHue === undefined ? {} : { avatarHue }),
        });
      }
      session.store.saveSettings(rest);
      if ([nick, status, statusText, avatarHue].some((v) => v !== undefined)) {
        const self = deps.self();
        if (self !== undefined) deps.emit('self', self);
      }
      ipmsg.applySettings(rest);
      return withoutPasswords(settings(session));
    },
    'app:openExternal': () => {
      throw new IpcFailure('unavailable', 'links are opened by the desktop shell');
    },
    'contacts:safetyNumber': ({ peerId }) =>
      trusted().safetyNumber(resolveConversation(running().node, peerId)),
    'contacts:verify': ({ peerId, verified }) => {
      const { node, store } = running();
      const id = resolveConversation(node, peerId);
      trusted().verify(id, verified);
      // The live peer first: the stored row does not say whether the peer is online.
      const peer =
        node.peerList().find((p) => p.id === id) ?? store.listPeers().find((p) => p.id === id);
      const contact = peer === undefined ? undefined : trusted().contact(peer);
      if (contact === undefined) throw new IpcFailure('not-found', `no such contact: ${peerId}`);
      deps.emit('contact', { change: 'updated', peer: contact, kind: 'peer' });
      return contact;
    },
    'directory:search': ({ query, limit }) => running().node.directory(query, limit),
    'directory:add': ({ nodeId }) => {
      nodeCall(() => running().node.seek(nodeId));
      return null;
    },
    'contacts:acceptKey': ({ peerId }) => {
      const accepted = trusted().accept(resolveConversation(running().node, peerId));
      deps.emit('notice', {
        level: 'info',
        code: 'key-accepted',
        message: 'The new key was accepted; held messages are being sent.',
      });
      return accepted;
    },
    ...fileHandlers(transfers, () => running().profile.dir),
    'ipmsg:refresh': () => {
      ipmsg.refresh();
      return null;
    },
  };
}

/** The relay passwords stay in main: the renderer gets "a password is set" (docs/RELAY.md). */
function withoutPasswords(s: Settings): Settings {
  return {
    ...s,
    relays: s.relays.map(({ password, passwordSet: _, ...r }) =>
      password === undefined ? r : { ...r, passwordSet: true },
    ),
  };
}

/**
 * Relay rows as stored: a row that says `passwordSet` without a password keeps the password
 * stored for its URL (the renderer never had it); `passwordSet` itself is never stored.
 */
function keepPasswords(
  rows: readonly RelaySetting[],
  stored: readonly RelaySetting[],
): RelaySetting[] {
  return rows.map(({ passwordSet, ...row }) => {
    if (row.password !== undefined || passwordSet !== true) return row;
    const password = stored.find((s) => s.url === row.url)?.password;
    return password === undefined ? row : { ...row, password };
  });
}
