import type { GroupInfo, MemberDelivery, RecipientTally } from '../../../shared/domain';
import type { TransferInfo } from '../../../shared/transfers';
import type { IpcResult } from '../../../shared/ipc/contract';
import { groupConversationId, groupIdOf } from '../../../shared/protocol/group-ids';
import { failed, IDLE, LOADING, READY, settle } from './load';
import type { GroupsSlice, SliceCreator } from './state';

/** A tally from per-member deliveries, counted the way the node counts them (group-view.ts). */
export function tallyOf(deliveries: readonly MemberDelivery[]): RecipientTally {
  const ended = (d: MemberDelivery) => d.state === 'failed' || d.state === 'cancelled';
  return {
    delivered: deliveries.filter((d) => d.state === 'delivered').length,
    total: deliveries.length,
    waiting: deliveries.filter((d) => d.state !== 'delivered' && !ended(d)).map((d) => d.peerId),
    failed: deliveries.filter(ended).map((d) => d.peerId),
  };
}

/** The group a conversation id names, if it names one. */
export const groupOfConversation =
  (peerId: string | null) => (s: { groups: GroupsSlice['groups'] }) =>
    peerId === null ? undefined : s.groups[groupIdOf(peerId) ?? ''];

export const createGroupsSlice: SliceCreator<GroupsSlice> = (api) => (set, get) => {
  const keep = (result: IpcResult<GroupInfo>): IpcResult<GroupInfo> => {
    if (result.ok) get().applyGroup(result.value);
    return result;
  };
  return {
    groups: {},
    groupsLoad: IDLE,
    tallies: {},
    deliveries: {},
    batches: {},
    loadGroups: async () => {
      set({ groupsLoad: LOADING });
      const result = await settle(() => api.groupsList());
      if (!result.ok) {
        set({ groupsLoad: failed(result.error.message) });
        return;
      }
      const byId: Record<string, GroupInfo> = {};
      for (const group of result.value) byId[group.id] = group;
      // `group` events that came while the list loaded are newer: keep them.
      set((state) => ({ groups: { ...byId, ...state.groups }, groupsLoad: READY }));
    },
    applyGroup: (group) => {
      set((state) => {
        const known = state.groups[group.id];
        // A change made here is answered and announced: the older version never wins back.
        if (known !== undefined && known.version > group.version && known.status === group.status)
          return {};
        return { groups: { ...state.groups, [group.id]: group } };
      });
    },
    createGroup: async (name, members) => {
      const result = keep(await settle(() => api.groupsCreate({ name, members: [...members] })));
      if (result.ok) get().openConversation(groupConversationId(result.value.id));
      return result;
    },
    addMember: async (groupId, member) =>
      keep(await settle(() => api.groupsAdd({ groupId, member }))),
    removeMember: async (groupId, member) =>
      keep(await settle(() => api.groupsRemove({ groupId, member }))),
    leaveGroup: async (groupId) => keep(await settle(() => api.groupsLeave({ groupId }))),
    setTally: (messageId, tally) =>
      set((state) => ({ tallies: { ...state.tallies, [messageId]: tally } })),
    loadDeliveries: async (messageId) => {
      const result = await settle(() => api.groupsDeliveries({ messageId }));
      if (result.ok)
        set((state) => ({
          deliveries: { ...state.deliveries, [messageId]: result.value },
          // Read from the node: as true as a `message-state` event, and newer than none.
          // Deliveries only grow: an answer older than an event never lowers the count.
          tallies:
            result.value.length === 0 ||
            (state.tallies[messageId]?.delivered ?? -1) > tallyOf(result.value).delivered
              ? state.tallies
              : { ...state.tallies, [messageId]: tallyOf(result.value) },
        }));
      return result;
    },
    sendMany: async (peerIds, text) => {
      const result = await settle(() => api.messagesSendMany({ peerIds: [...peerIds], text }));
      if (result.ok) {
        for (const message of result.value.messages) get().receiveMessage(message);
        // A `batch` event may have overtaken the answer: it is newer.
        if (get().batches[result.value.batch] === undefined)
          get().setBatch(result.value.batch, result.value.tally);
      }
      return result;
    },
    pickPaths: async (kind) => {
      const picked = await settle(() => api.filesPick({ kind }));
      return picked.ok ? { ok: true, value: picked.value.paths } : picked;
    },
    sendFilesMany: async (peerIds, paths) => {
      const results = await Promise.all(
        peerIds.map(async (peerId) => ({
          peerId,
          result: await settle(() => api.filesSend({ peerId, paths: [...paths] })),
        })),
      );
      const sent: TransferInfo[] = [];
      const failedTo: { peerId: string; message: string }[] = [];
      for (const { peerId, result } of results) {
        if (result.ok) {
          get().applyTransfer({ transfer: result.value });
          sent.push(result.value);
        } else failedTo.push({ peerId, message: result.error.message });
      }
      return { sent, failed: failedTo };
    },
    setBatch: (batch, tally) => set((state) => ({ batches: { ...state.batches, [batch]: tally } })),
    renameGroup: async (groupId, name) =>
      keep(await settle(() => api.groupsRename({ groupId, name }))),
    makeAdmin: async (groupId, member) =>
      keep(await settle(() => api.groupsMakeAdmin({ groupId, member }))),
    muted: {},
    loadMutes: async () => {
      const result = await settle(() => api.conversationsMutes());
      if (!result.ok) return; // nothing muted is what the list shows; main notifies as stored
      set((state) => ({
        muted: {
          ...Object.fromEntries(result.value.map((id) => [id, true] as const)),
          ...state.muted,
        },
      }));
    },
    setMuted: async (peerId, muted) => {
      const result = await settle(() => api.conversationsMute({ peerId, muted }));
      if (result.ok) get().applyMute(result.value.peerId, result.value.muted);
      return result;
    },
    applyMute: (peerId, muted) =>
      set((state) => {
        if ((state.muted[peerId] === true) === muted) return {};
        const next = Object.fromEntries(
          Object.entries(state.muted).filter(([id]) => id !== peerId),
        ) as Record<string, true>;
        if (muted) next[peerId] = true;
        return { muted: next };
      }),
  };
};
