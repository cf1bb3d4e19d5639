// How the calls reach the IPMsg bridge: conversations with `ipmsg:IP` ids (or an IPMsg peer's
// bare IP) go to it, everything else to the PacketChat node as before. The IPC contract does not
// change for callers (docs/IPMSG.md, "Wiring", step 6).
import { isIPv4 } from '../../shared/address';
import type { ChatMessage, Contact, HistoryPage, SocketsSnapshot } from '../../shared/domain';
import { IpcFailure } from '../../shared/ipc/contract';
import type { Settings } from '../../shared/ipc/schemas';
import { isIpmsgPeerId } from '../../shared/ipmsg-id';
import { IpmsgError } from '../net/index';
import { withoutTwins, type LiveBridge } from './ipmsg-bridge';
import { ipmsgStorePersistence } from './ipmsg-persistence';
import type { Session } from './session';
import type { Store } from '../store/store';

export interface IpmsgRouting {
  /** The conversation id of `ref` when it names an IPMsg peer (`ipmsg:IP`, or its bare IP). */
  resolve(ref: string): string | undefined;
  /** IPMsg contacts (live, else as stored), without the ones that are PacketChat peers too. */
  contacts(): Contact[];
  /** A bare IP added by hand is asked on IPMsg's port too. */
  addTarget(address: string): void;
  /** Sends when `peerId` is an IPMsg peer; undefined when it is not one. */
  sendText(peerId: string, text: string, sealed?: boolean): ChatMessage | undefined;
  /** Retries an IPMsg message; false when the bridge does not know it. */
  retry(messageId: string): boolean;
  /** The conversation was read: READMSG for its sealed IPMsg messages. */
  markRead(peerId: string): void;
  /** The node's sockets plus the bridge's UDP and TCP on its port. */
  sockets(snapshot: SocketsSnapshot): SocketsSnapshot;
  /** `ipmsgEncoding` and `ipmsgGroup` apply at once; `ipmsg` (on/off) at the next start. */
  applySettings(change: {
    readonly ipmsgEncoding?: Settings['ipmsgEncoding'] | undefined;
    readonly ipmsgGroup?: string | undefined;
  }): void;
  refresh(): void;
}

/** IPMsg module errors as IPC errors from the closed set, with the module's code as reason. */
function ipmsgCall<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (!(error instanceof IpmsgError)) throw error;
    const { code, message } = error;
    switch (code) {
      case 'unknown-peer':
      case 'not-found':
        throw new IpcFailure('not-found', message, undefined, code);
      case 'empty':
      case 'too-long':
        throw new IpcFailure('invalid-argument', message, 'text', code);
      case 'bad-path':
      case 'unsupported':
        throw new IpcFailure('invalid-argument', message, undefined, code);
      case 'not-started':
      case 'closed':
        throw new IpcFailure('unavailable', message, undefined, code);
    }
  }
}

/** A page of an IPMsg conversation with the read notices its peer sent (`readAt`). */
export function withReadTimes(store: Store, page: HistoryPage): HistoryPage {
  const sent = page.messages.filter((m) => m.direction === 'out').map((m) => m.id);
  const times = store.ipmsg.readTimes(sent);
  if (times.size === 0) return page;
  return {
    ...page,
    messages: page.messages.map((m) => {
      const at = times.get(m.id);
      return at === undefined ? m : { ...m, readAt: at };
    }),
  };
}

export function ipmsgCalls(
  running: () => Session,
  bridge: () => LiveBridge | undefined,
): IpmsgRouting {
  const live = (): LiveBridge => {
    const b = bridge();
    if (b === undefined)
      throw new IpcFailure('unavailable', 'IPMsg is off in this copy', undefined, 'ipmsg-off');
    return b;
  };
  /** A bare IP that is an IPMsg peer and no PacketChat peer. */
  const byAddress = (ref: string): string | undefined => {
    const text = ref.trim();
    if (!isIPv4(text) || running().node.findPeer(text) !== undefined) return undefined;
    return bridge()?.node.findPeer(text)?.id;
  };

  return {
    resolve: (ref) => (isIpmsgPeerId(ref.trim()) ? ref.trim() : byAddress(ref)),
    contacts() {
      const b = bridge();
      if (b !== undefined) return b.contacts.list();
      const { store, node } = running();
      return withoutTwins(ipmsgStorePersistence(store).loadPeers(), node.peerList());
    },
    addTarget(address) {
      if (isIPv4(address.trim())) bridge()?.node.addTarget(address.trim());
    },
    sendText(peerId, text, sealed = false) {
      const id = isIpmsgPeerId(peerId.trim()) ? peerId.trim() : byAddress(peerId);
      if (id === undefined) return undefined;
      const { node } = live();
      return ipmsgCall(() => node.sendText(id, text, { sealed }));
    },
    retry(messageId) {
      const b = bridge();
      if (b === undefined) return false;
      try {
        b.node.retry(messageId);
        return true;
      } catch (error) {
        if (error instanceof IpmsgError && error.code === 'not-found') return false;
        return ipmsgCall(() => {
          throw error;
        });
      }
    },
    markRead(peerId) {
      if (!isIpmsgPeerId(peerId)) return;
      try {
        bridge()?.node.markRead(peerId);
      } catch {
        // The bridge is closing: its READMSGs cannot go out, and reading stays recorded locally.
      }
    },
    sockets(snapshot) {
      const b = bridge();
      if (b === undefined) return snapshot;
      const { bindAddress, port } = b.node.info();
      const local = `${bindAddress}:${String(port)}`;
      return {
        ...snapshot,
        sockets: [
          ...snapshot.sockets,
          { role: 'udp-server', local, state: 'IPMsg' },
          { role: 'tcp-listener', local, state: 'IPMsg' },
        ],
      };
    },
    applySettings(change) {
      const b = bridge();
      if (b === undefined) return;
      if (change.ipmsgEncoding !== undefined) b.node.setEncoding(change.ipmsgEncoding);
      if (change.ipmsgGroup !== undefined) b.node.setProfile({ group: change.ipmsgGroup });
    },
    refresh() {
      const { node } = live();
      ipmsgCall(() => node.refresh());
    },
  };
}
