import {
  IpcFailure,
  type CallHandlers,
  type EventSink,
  type SelfInfo,
  type Settings,
} from '../../shared/ipc';
import { NodeError } from '../net/node';
import type { StoredSettings } from '../store/store';
import { contactList } from './contacts';
import type { Session } from './session';
import { fullSettings } from './settings';

export interface HandlerDeps {
  /** The running session, or undefined before start and after close. */
  readonly session: () => Session | undefined;
  readonly self: () => SelfInfo | undefined;
  readonly emit: EventSink;
  readonly defaults: StoredSettings;
}

/** Node errors become IPC errors from the closed set; anything else stays `internal`. */
function mapNodeError(error: unknown): never {
  if (error instanceof NodeError) {
    switch (error.code) {
      case 'unknown-peer':
      case 'not-found':
        throw new IpcFailure('not-found', error.message);
      case 'empty':
      case 'too-long':
        throw new IpcFailure('invalid-argument', error.message, 'text');
      case 'not-started':
      case 'closed':
        throw new IpcFailure('unavailable', error.message);
    }
  }
  throw error;
}

/** Every call the renderer can make, answered from the session's node and store. */
export function createHandlers(deps: HandlerDeps): CallHandlers {
  const running = (): Session => {
    const session = deps.session();
    if (session === undefined)
      throw new IpcFailure('unavailable', 'the network node is not running');
    return session;
  };
  const settings = (session: Session): Settings => {
    const identity = session.store.getIdentity();
    if (identity === undefined) throw new IpcFailure('internal', 'the profile has no identity');
    return fullSettings(identity, { ...deps.defaults, ...session.store.getSettings().values });
  };

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
      const conversations = store
        .conversations()
        .map((c) => ({ peerId: c.peerId, at: c.lastMessage?.receivedAt ?? 0 }));
      return contactList(node, conversations);
    },
    'contacts:add': ({ address }) => {
      try {
        return running().node.addPeer(address);
      } catch (error) {
        return mapNodeError(error);
      }
    },
    'conversations:list': () => running().store.conversations(),
    'messages:history': ({ peerId, before, limit }) =>
      running().store.history(peerId, { limit, ...(before === undefined ? {} : { before }) }),
    'messages:send': ({ peerId, text }) => {
      const session = running();
      let id: string;
      try {
        id = session.send(peerId, text).id;
      } catch (error) {
        return mapNodeError(error);
      }
      const stored = session.message(id);
      if (stored === undefined) throw new IpcFailure('internal', 'the message was not stored');
      deps.emit('message', stored);
      return stored;
    },
    'messages:retry': ({ messageId }) => {
      try {
        running().node.retry(messageId);
      } catch (error) {
        return mapNodeError(error);
      }
      return null;
    },
    'messages:markRead': ({ peerId }) => {
      const { store } = running();
      store.markRead(peerId);
      deps.emit('unread', { total: store.unreadTotal() });
      return null;
    },
    'messages:search': ({ query, limit }) => running().store.search(query, limit),
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
  };
}
