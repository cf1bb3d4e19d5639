// The calls for groups and multi-send (docs/PROTOCOL.md, "Groups"), answered from the session's
// node and store like every other call in handlers.ts.
import { randomBytes } from 'node:crypto';
import type { ChatMessage } from '../../shared/domain';
import {
  IpcFailure,
  type CallHandlers,
  type EventSink,
  type MultiSendResult,
} from '../../shared/ipc/contract';
import { NodeError, type PacketChatNode } from '../net/index';
import type { Session } from './session';

type GroupCalls = Pick<
  CallHandlers,
  | 'messages:sendMany'
  | 'groups:list'
  | 'groups:create'
  | 'groups:add'
  | 'groups:remove'
  | 'groups:leave'
  | 'groups:rename'
  | 'groups:makeAdmin'
  | 'groups:deliveries'
  | 'conversations:mutes'
  | 'conversations:mute'
>;

/** A member as typed: a peer id, or a peer's IP[:PORT]. */
function memberId(node: PacketChatNode, ref: string): string {
  return node.findPeer(ref)?.id ?? ref.trim();
}

export function createGroupCalls(deps: {
  readonly running: () => Session;
  readonly nodeCall: <T>(call: () => T) => T;
  readonly emit: EventSink;
}): GroupCalls {
  const { running, nodeCall, emit } = deps;
  const change = (
    groupId: string,
    request: Parameters<PacketChatNode['changeGroup']>[1],
  ): ReturnType<PacketChatNode['changeGroup']> =>
    nodeCall(() => running().node.changeGroup(groupId, request));

  return {
    'messages:sendMany': async ({ peerIds, text }) => {
      const { node, store } = running();
      const batch = randomBytes(9).toString('base64url');
      const messages: ChatMessage[] = [];
      const failed: { peerId: string; reason: string }[] = [];
      const unique = [...new Set(peerIds)];
      // Sent in one turn: the node stores them in one transaction (group commit).
      const sent = await Promise.allSettled(unique.map((peerId) => node.sendText(peerId, text)));
      for (const [i, result] of sent.entries()) {
        if (result.status === 'fulfilled') {
          messages.push(result.value);
          continue;
        }
        const error: unknown = result.reason;
        // A text the node refuses for everyone (empty, too long) fails the call itself.
        if (error instanceof NodeError && (error.code === 'empty' || error.code === 'too-long'))
          return nodeCall(() => {
            throw error;
          });
        if (!(error instanceof NodeError)) throw error;
        failed.push({ peerId: unique[i] ?? '', reason: error.code });
      }
      store.setBatch(
        messages.map((m) => m.id),
        batch,
      );
      const result: MultiSendResult = {
        batch,
        messages,
        failed,
        tally: store.reads.batchTally(batch),
      };
      return result;
    },
    'groups:list': () => running().node.groupList(),
    'groups:create': ({ name, members }) => {
      const { node } = running();
      return nodeCall(() =>
        node.createGroup(
          name,
          members.map((m) => memberId(node, m)),
        ),
      );
    },
    'groups:add': ({ groupId, member }) =>
      change(groupId, { op: 'add', member: memberId(running().node, member) }),
    'groups:remove': ({ groupId, member }) =>
      change(groupId, { op: 'remove', member: memberId(running().node, member) }),
    'groups:leave': ({ groupId }) => change(groupId, { op: 'leave' }),
    'groups:rename': ({ groupId, name }) => change(groupId, { op: 'rename', name }),
    'groups:makeAdmin': ({ groupId, member }) =>
      change(groupId, { op: 'admin', member: memberId(running().node, member) }),
    'groups:deliveries': ({ messageId }) => {
      const deliveries = running().node.groupDeliveries(messageId);
      if (deliveries.length === 0)
        throw new IpcFailure('not-found', `no group message of ours ${messageId}`);
      return [...deliveries];
    },
    'conversations:mutes': () => running().store.mutes.list(),
    'conversations:mute': ({ peerId, muted }) => {
      const { store } = running();
      if (store.mutes.set(peerId, muted, Date.now())) {
        emit('mute', { peerId, muted });
        // The tray and taskbar total leaves a muted conversation out (but for mentions of me).
        emit('unread', { total: store.reads.unreadTotal() });
      }
      return { peerId, muted };
    },
  };
}
