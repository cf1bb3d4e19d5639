import {
  IpcFailure,
  type CallHandlers,
  type EventSink,
  type SelfInfo,
} from '../../shared/ipc/contract';
import type { Settings } from '../../shared/ipc/schemas';
import { isStrangerId } from '../../shared/stranger-id';
import { NodeError, type PacketChatNode } from '../net/index';
import type { StoredSettings } from '../store/store';
import { contactList, resolveConversation } from './contacts';
import type { Session } from './session';
import type { Trust } from './trust';
import { fullSettings } from './settings';

export interface HandlerDeps {
  /** The running session, or undefined before start and after close. */
  readonly session: () => Session | undefined;
  readonly trust: () => Trust | undefined;
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
      case 'not-started':
      case 'closed':
      case 'storage':
      case 'no-relay':
        throw new IpcFailure('unavailable', message, undefined, code);
    }
  }
  throw error;
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

  return {
    'app:ready': () => null,
    'self:get': () => {
      running();
      const self = deps.self();
      if (self === undefined)
        throw new IpcFailure('unavailable', 'the network node is not running');
      return self;
    },
    'contacts:list': () => {
      const { node, store } = running();
      const conversations = store.reads
        .conversations()
        .map((c) => ({ peerId: c.peerId, at: c.lastMessage?.receivedAt ?? 0 }));
      const trust = trusted();
      return contactList(node, store.listPeers(), conversations, (peer) => trust.contact(peer));
    },
    'contacts:add': ({ address }) => {
      const endpoint = nodeCall(() => running().node.addPeer(address));
      return { address: endpoint.address, port: endpoint.port };
    },
    'conversations:list': () => running().store.reads.conversations(),
    'messages:history': ({ peerId, before, limit }) => {
      const { node, store } = running();
      const id = lookedAt(node, resolveConversation(node, peerId));
      return store.reads.history(id, {
        limit,
        ...(before === undefined ? {} : { before }),
      });
    },
    'messages:send': ({ peerId, text }) => nodeCall(() => running().node.sendText(peerId, text)),
    'messages:retry': ({ messageId }) => {
      nodeCall(() => running().node.retry(messageId));
      return null;
    },
    'messages:markRead': ({ peerId }) => {
      const { node, store } = running();
      const id = lookedAt(node, resolveConversation(node, peerId));
      store.markRead(id);
      const unread = store.reads.unreadTotal();
      deps.emit('unread', { total: unread });
      return { peerId: id, unread };
    },
    'messages:search': ({ query, limit }) => running().store.reads.search(query, limit),
    'inspector:packets': ({ limit }) => running().node.packets(limit),
    'inspector:sockets': () => running().node.sockets(),
    'settings:get': () => settings(running()),
    'settings:set': (change) => {
      const session = running();
      const { nick, status, ...rest } = change;
      if (nick !== undefined || status !== undefined) {
        session.setProfile({
          ...(nick === undefined ? {} : { nick }),
          ...(status === undefined ? {} : { status }),
        });
        const self = deps.self();
        if (self !== undefined) deps.emit('self', self);
      }
      session.store.saveSettings(rest);
      return settings(session);
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
      const peer = store.listPeers().find((p) => p.id === id);
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
  };
}
