/**
 * The file engine (electron/net/files/, docs/FILES.md) on a protocol v2 node: its control
 * messages travel in the node's reliable streams as `control: "file"` messages, its data over
 * the node's sealed lanes (lanes.ts), and it hears when a peer can be reached again (online,
 * moved, a new path) and when a relay broker connection is back.
 */
import type { RelayStatus } from '../../shared/domain';
import { fileCardOf } from '../../shared/files/card';
import type { FileControlMessage } from '../../shared/files/control';
import { createFileEngine, type FileEngine } from './files/engine';
import type { FileEngineOptions } from './files/engine-types';
import type { ControlChannel, ControlSendResult, Disposer, IncomingControl } from './files/ports';
import type { PacketChatNode } from './node';
import { NodeError } from './types';

/** The `control` name of file transfer messages (docs/PROTOCOL.md, "Control messages"). */
export const FILE_CONTROL = 'file';

/** The engine's control channel over the node's reliable message streams. */
export function nodeControlChannel(node: PacketChatNode): ControlChannel {
  return {
    send(peerId: string, body: FileControlMessage): ControlSendResult {
      const text = JSON.stringify(body);
      const card = body.type === 'file-offer' ? fileCardOf(text) : undefined;
      try {
        const message = node.sendControl(
          peerId,
          card === undefined ? { name: FILE_CONTROL } : { name: FILE_CONTROL, card },
          text,
        );
        return { ok: true, messageId: message.id };
      } catch (error) {
        return sendFailure(error);
      }
    },
    onMessage(handler: (message: IncomingControl) => Promise<void>): Disposer {
      return node.onControl(FILE_CONTROL, {
        handle: ({ peerId, messageId, body }) =>
          handler({ peerId, messageId, body: parseJson(body) }),
        card: fileCardOf,
      });
    },
    onDelivered(handler: (peerId: string, messageId: string) => void): Disposer {
      const listener = ({
        change,
        control,
      }: {
        change: { id: string; peerId: string; state: string };
        control: string;
      }): void => {
        if (control === FILE_CONTROL && change.state === 'delivered')
          handler(change.peerId, change.id);
      };
      node.on('control-state', listener);
      return () => node.off('control-state', listener);
    },
  };
}

export type NodeFileEngineOptions = Omit<FileEngineOptions, 'control' | 'data'>;

/** A file engine wired to a node; `close()` closes the engine and lets go of the node. */
export interface NodeFileEngine {
  readonly engine: FileEngine;
  close(): Promise<void>;
}

/**
 * A file engine on `node`. Start it after the node and close it before. While it runs, a peer
 * that comes online or moves makes the engine try its transfers with that peer at once.
 */
export function createNodeFileEngine(
  node: PacketChatNode,
  options: NodeFileEngineOptions,
): NodeFileEngine {
  const engine = createFileEngine({
    ...options,
    control: nodeControlChannel(node),
    data: node.lanes,
  });
  const onPeer = ({ change, peer }: { change: string; peer: { id: string } }): void => {
    if (change === 'online' || change === 'moved' || change === 'added' || change === 'path')
      engine.peerReachable(peer.id);
  };
  // No broker connection left: transfers with peers reached through one say so. A connection
  // that comes back resumes transfers paused when it dropped.
  let relayUp = false;
  const onRelay = (statuses: readonly RelayStatus[]): void => {
    const up = statuses.some((s) => s.state === 'connected');
    if (up) engine.relayReturned();
    else if (relayUp)
      engine.relayLost(node.peerList().flatMap((p) => (p.path.kind === 'relay' ? [p.id] : [])));
    relayUp = up;
  };
  node.on('peer', onPeer);
  node.on('relay', onRelay);
  return {
    engine,
    async close() {
      node.off('peer', onPeer);
      node.off('relay', onRelay);
      await engine.close();
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined; // the engine refuses it with a warning
  }
}

function sendFailure(error: unknown): ControlSendResult {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof NodeError)) return { ok: false, code: 'storage', message };
  switch (error.code) {
    case 'unknown-peer':
      return { ok: false, code: 'unknown-peer', message };
    case 'too-long':
    case 'empty':
      return { ok: false, code: 'too-large', message };
    case 'storage':
      return { ok: false, code: 'storage', message };
    case 'not-started':
    case 'closed':
    case 'not-found':
    case 'no-relay':
      return { ok: false, code: 'closed', message };
    case 'not-allowed': // a group's refusal: a control message never gets it
      return { ok: false, code: 'storage', message };
  }
}
