import { hostname, userInfo } from 'node:os';
import type { PeerStatus } from '../../shared/domain';
import type { ChatMessage } from '../../shared/ipc';
import { createNode, type PacketChatNode } from '../net/node';
import { cleanLabel, newNodeId, type NodeOptions } from '../net/node-options';
import { isStrangerId } from '../net/strangers';
import { randomToken } from '../net/reliable-sender';
import { acquireProfile, type ProfileLock, type ProfileRequest } from '../store/profiles';
import { openStore } from '../store/open-store';
import type { Store } from '../store/store';
import { storePersistence } from './persistence-adapter';
import { MAX_NICK_LENGTH } from '../../shared/protocol/constants';

export interface SessionOptions {
  readonly profile?: ProfileRequest;
  /** A profile the caller has locked already (the Electron main process does); it is released on close. */
  readonly lock?: ProfileLock;
  /** A nickname given on the command line; it is saved to the profile. */
  readonly nick?: string;
  /** Network overrides (ports, discovery, TCP, timers) for the node. */
  readonly node?: Omit<NodeOptions, 'nodeId' | 'nick' | 'status' | 'persistence'>;
}

export interface Notice {
  readonly code: string;
  readonly message: string;
}

function defaultNick(): string {
  try {
    return userInfo().username;
  } catch {
    return hostname(); // no passwd entry for this uid (some containers)
  }
}

/**
 * Ports, TCP and extra discovery targets from the profile's settings, read at start. Explicit
 * options win, except that their peers are added to the stored targets.
 */
function nodeOptions(store: Store, explicit: SessionOptions['node']): NodeOptions {
  const { values } = store.getSettings();
  return {
    ...(values.serverPort === undefined ? {} : { serverPort: values.serverPort }),
    ...(values.clientPort === undefined ? {} : { clientPort: values.clientPort }),
    ...(values.tcpFallback === undefined ? {} : { tcp: values.tcpFallback }),
    ...explicit,
    peers: [...(values.discoveryTargets ?? []), ...(explicit?.peers ?? [])],
  };
}

/**
 * One running copy of PacketChat: its profile (locked), its store, and its node wired to the store.
 * The Electron backend and the command-line node are both built on this.
 */
export class Session {
  private closing: Promise<void> | undefined;

  private constructor(
    readonly profile: ProfileLock,
    readonly store: Store,
    readonly node: PacketChatNode,
    readonly notices: readonly Notice[],
  ) {
    // Strangers' plain datagrams bypass the node's reliable path; store them here.
    node.on('message', (m) => {
      if (!isStrangerId(m.from)) return;
      try {
        store.insertIncoming({
          id: m.id,
          peerId: m.from,
          epoch: 'plain',
          seq: 1,
          text: m.text,
          transport: 'udp',
          sentAt: m.sentAt,
          receivedAt: m.receivedAt,
          remote: `${m.address}:${m.port}`,
          held: false,
        });
      } catch (error) {
        // A plain datagram has no ack to withhold; it is shown but not kept. Never throw here:
        // this runs inside the socket's message handler.
        console.error('PacketChat: could not store a plain datagram', error);
      }
    });
  }

  /** Locks a profile, opens (or repairs) its database and prepares the node. Does not bind yet. */
  static open(options: SessionOptions = {}): Session {
    const profile = options.lock ?? acquireProfile(options.profile ?? {});
    let opened: ReturnType<typeof openStore>;
    try {
      opened = openStore(profile.dir);
    } catch (error) {
      profile.release();
      throw error;
    }
    const { store } = opened;
    const notices: Notice[] = [...opened.notices];
    const stored = store.getIdentity();
    const nick = options.nick === undefined ? undefined : cleanLabel(options.nick, MAX_NICK_LENGTH);
    const identity = {
      nodeId: stored?.nodeId ?? newNodeId(),
      nick: nick || stored?.nick || cleanLabel(defaultNick(), MAX_NICK_LENGTH) || 'PacketChat user',
      status: stored?.status ?? 'online',
    };
    if (stored === undefined || stored.nick !== identity.nick) store.saveIdentity(identity);
    const node = createNode({
      ...nodeOptions(store, options.node),
      ...identity,
      persistence: storePersistence(store),
    });
    return new Session(profile, store, node, notices);
  }

  /** Sends and returns the stored message (a stranger's plain text is stored here, delivered). */
  send(to: string, text: string): { id: string; to: string; transport: 'udp' | 'tcp' } {
    const sent = this.node.sendText(to, text);
    if (isStrangerId(sent.to)) {
      const now = Date.now();
      this.store.insertOutgoing({
        id: sent.id || randomToken(),
        peerId: sent.to,
        epoch: 'plain',
        seq: 1,
        text,
        sentAt: now,
        remote: sent.to.slice('stranger:'.length),
        state: 'delivered',
        transport: 'udp',
        attempts: 1,
      });
    }
    return sent;
  }

  message(id: string): ChatMessage | undefined {
    return this.store.getMessage(id);
  }

  setProfile(change: { nick?: string; status?: PeerStatus }): void {
    const current = this.store.getIdentity();
    if (current === undefined) return;
    const next = { ...current, ...change };
    this.store.saveIdentity(next);
    this.node.setProfile(change);
  }

  /** Node first (bye, outbox kept), then the database, then the lock. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.node.close();
      } finally {
        this.store.close();
        this.profile.release();
      }
    })();
    return this.closing;
  }
}
