import type { PeerStatus } from '../../shared/domain';
import {
  createNode,
  createNodeFileEngine,
  defaultCryptoProvider,
  type NodeFileEngine,
  type NodeFileEngineOptions,
  type IpmsgNode,
  type NodeOptions,
  type PacketChatNode,
} from '../net/index';
import type { Identity } from '../store/identity-file';
import { openStore } from '../store/open-store';
import { acquireProfile, type ProfileLock, type ProfileRequest } from '../store/profiles';
import type { Store } from '../store/store';
import { loadIdentity, saveIdentity } from './identity';
import type { RelayOverrides } from './flags';
import { createBridge, type IpmsgLaunch } from './ipmsg-bridge';
import type { Notice } from './notice';
import { storePersistence } from './persistence-adapter';

export interface SessionOptions {
  readonly profile?: ProfileRequest;
  /** A profile the caller has locked already (the Electron main process does); it is released on close. */
  readonly lock?: ProfileLock;
  /** A nickname given on the command line; it is saved to the profile. */
  readonly nick?: string;
  /** Network overrides (ports, discovery, TCP, timers, relays) for the node. */
  readonly node?: Omit<
    NodeOptions,
    'identity' | 'signing' | 'aliases' | 'nick' | 'status' | 'persistence' | 'relay'
  > & { readonly relay?: RelayOverrides };
  /** File engine options (tests shorten its timers). */
  readonly files?: Omit<NodeFileEngineOptions, 'store'>;
  /**
   * The IPMsg bridge (docs/IPMSG.md): created when given, unless its `enabled` or else the
   * profile's `ipmsg` setting (default on) says no. Without it there is no bridge.
   */
  readonly ipmsg?: IpmsgLaunch;
}

/**
 * Ports, TCP, extra discovery targets and relays from the profile's settings, read at start.
 * Explicit options win, except that their peers are added to the stored targets.
 */
function nodeOptions(store: Store, explicit: SessionOptions['node']): NodeOptions {
  const { values } = store.getSettings();
  const { relay, ...rest } = explicit ?? {};
  const brokers = relay?.brokers ?? values.relays ?? [];
  return {
    ...(values.serverPort === undefined ? {} : { serverPort: values.serverPort }),
    ...(values.clientPort === undefined ? {} : { clientPort: values.clientPort }),
    ...(values.tcpFallback === undefined ? {} : { tcp: values.tcpFallback }),
    ...(values.statusText ? { statusText: values.statusText } : {}),
    ...(values.avatarHue == null ? {} : { avatarHue: values.avatarHue }),
    ...rest,
    peers: [...(values.discoveryTargets ?? []), ...(explicit?.peers ?? [])],
    relay: {
      brokers: brokers.map((b) => ({
        url: b.url,
        ...(b.username === undefined ? {} : { username: b.username }),
        ...(b.password === undefined ? {} : { password: b.password }),
        ...(b.caFile === undefined ? {} : { caFile: b.caFile }),
      })),
      directory: relay?.directory ?? values.relayDirectory ?? true,
    },
  };
}

/**
 * One running copy of PacketChat: its profile (locked), its identity, its store, and its node
 * wired to the store. The backend behind every transport (Electron IPC, the CLI) runs one.
 */
export class Session {
  private closing: Promise<void> | undefined;

  private constructor(
    readonly profile: ProfileLock,
    readonly store: Store,
    readonly node: PacketChatNode,
    /** The file engine on the node (docs/FILES.md); started after the node, closed before it. */
    readonly files: NodeFileEngine,
    /** The IPMsg bridge on port 2425, when this session has one (it may still fail to bind). */
    readonly ipmsg: IpmsgNode | undefined,
    readonly notices: readonly Notice[],
    private identity: Identity,
  ) {}

  /** Locks a profile, opens (or repairs) its database and prepares the node. Does not bind yet. */
  static open(options: SessionOptions = {}): Session {
    const profile = options.lock ?? acquireProfile(options.profile ?? {});
    try {
      const { store, notices } = openStore(profile.dir);
      try {
        const crypto = options.node?.crypto ?? defaultCryptoProvider().provider;
        const loaded = loadIdentity(profile.dir, store, crypto, options.nick);
        const { keyPair, signing, aliases, nick, status } = loaded.identity;
        const resolved = nodeOptions(store, options.node);
        const node = createNode({
          ...resolved,
          crypto,
          identity: keyPair,
          signing,
          aliases,
          nick,
          status,
          persistence: storePersistence(store),
        });
        const files = createNodeFileEngine(node, { ...options.files, store: store.transfers });
        const bridge =
          options.ipmsg === undefined
            ? { ipmsg: undefined, notices: [] }
            : createBridge(store, profile.name, loaded.identity, resolved, options.ipmsg);
        return new Session(
          profile,
          store,
          node,
          files,
          bridge.ipmsg,
          [...notices, ...loaded.notices, ...bridge.notices],
          loaded.identity,
        );
      } catch (error) {
        store.close();
        throw error;
      }
    } catch (error) {
      profile.release();
      throw error;
    }
  }

  get self(): Identity {
    return this.identity;
  }

  /** Saves a new nickname or status to the profile and tells the LAN. */
  setProfile(change: { nick?: string; status?: PeerStatus }): void {
    const next = { ...this.identity, ...change };
    saveIdentity(this.profile.dir, this.store, next, this.identity);
    this.identity = next;
    this.node.setProfile(change);
    this.ipmsg?.setProfile(change);
  }

  /** Starts the node, then the file engine (it resumes transfers and serves lanes). */
  async start(): Promise<void> {
    await this.node.start();
    this.files.engine.start();
  }

  /**
   * The file engine first (parts and state stay), then the IPMsg bridge (its BR_EXIT goes out
   * while the node still runs), then the node (bye, outbox kept), then the database, then the
   * lock. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.files.close().catch(() => undefined);
        await this.ipmsg?.close().catch(() => undefined); // the node must close regardless
        await this.node.close();
      } finally {
        this.store.close();
        this.profile.release();
      }
    })();
    return this.closing;
  }
}
