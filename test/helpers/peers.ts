import type { PacketChatNode } from '../../electron/net/node';
import type { PeerChange } from '../../shared/domain';

/**
 * Resolves once `node` has `peerId` online in its peer table: at once when it has already,
 * otherwise on the `peer` event that puts it there. Discovery is not symmetric in time: one side
 * can list the other before its own announce has arrived there, and `sendText()` to a peer the
 * sender does not know yet fails with "no such peer".
 */
export function waitForPeer(
  node: PacketChatNode,
  peerId: string,
  timeoutMs = 10_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      node.off('peer', listener);
    };
    const listener = (change: PeerChange): void => {
      if (change.peer.id !== peerId || !change.peer.online) return;
      done();
      resolve();
    };
    const timer = setTimeout(() => {
      done();
      const known = node.peerList().map((p) => `${p.nick} ${p.id}`);
      reject(
        new Error(
          `timed out after ${timeoutMs} ms waiting for ${node.info().nick} to know peer ${peerId} (knows: ${known.join(', ') || 'nobody'})`,
        ),
      );
    }, timeoutMs);
    // Listen first, then look: a change between the two cannot be missed.
    node.on('peer', listener);
    if (node.peerList().some((p) => p.id === peerId && p.online)) {
      done();
      resolve();
    }
  });
}
