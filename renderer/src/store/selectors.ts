import type { Contact, GroupInfo, PacketLogEntry } from '../../../shared/domain';
import { lookAlikeTags } from '../../../shared/names';
import { groupConversationId } from '../../../shared/protocol/group-ids';
import { countedUnread } from '../../../shared/unread';
import type { AppState, ContactGroup, Summary } from './state';

export const GROUPS: readonly ContactGroup[] = ['groups', 'online', 'offline', 'strangers'];
/** Section header rows; group conversations are rows `group:ID` (their conversation id). */
export const GROUP_ROW_PREFIX = 'section:';

export function groupOf(contact: Contact): ContactGroup {
  if (contact.kind === 'stranger') return 'strangers';
  return contact.online ? 'online' : 'offline';
}

/** Memoizes on argument identity: derived lists are rebuilt only when their inputs change. */
function memoize<A extends readonly unknown[], R>(compute: (...args: A) => R): (...args: A) => R {
  let lastArgs: A | null = null;
  let lastResult: R;
  return (...args: A): R => {
    if (lastArgs?.length === args.length && lastArgs.every((a, i) => a === args[i]))
      return lastResult;
    lastArgs = args;
    lastResult = compute(...args);
    return lastResult;
  };
}

function byRecency(summaries: Record<string, Summary>) {
  return (a: Contact, b: Contact): number => {
    const at = (summaries[b.id]?.lastAt ?? 0) - (summaries[a.id]?.lastAt ?? 0);
    return at !== 0 ? at : a.nick.localeCompare(b.nick);
  };
}

export interface GroupedContacts {
  /** Group conversation ids (`group:ID`). */
  readonly groups: readonly string[];
  readonly online: readonly string[];
  readonly offline: readonly string[];
  readonly strangers: readonly string[];
}

const groupContacts = memoize(
  (
    contacts: Record<string, Contact>,
    summaries: Record<string, Summary>,
    pinned: AppState['pinnedGroup'],
    chatGroups: Record<string, GroupInfo>,
  ): GroupedContacts => {
    const groups: Record<Exclude<ContactGroup, 'groups'>, Contact[]> = {
      online: [],
      offline: [],
      strangers: [],
    };
    for (const contact of Object.values(contacts)) {
      // The open contact stays where it was when opened: its row never moves under the mouse.
      const group = pinned?.id === contact.id ? pinned.group : groupOf(contact);
      if (group !== 'groups') groups[group].push(contact);
    }
    const lastAt = (id: string) => summaries[id]?.lastAt ?? 0;
    const groupRows = Object.values(chatGroups)
      .map((g) => ({ id: groupConversationId(g.id), name: g.name }))
      .sort((a, b) => lastAt(b.id) - lastAt(a.id) || a.name.localeCompare(b.name))
      .map((g) => g.id);
    const order = byRecency(summaries);
    const ids = (list: Contact[]) => list.sort(order).map((c) => c.id);
    return {
      groups: groupRows,
      online: ids(groups.online),
      offline: ids(groups.offline),
      strangers: ids(groups.strangers),
    };
  },
);

/**
 * The pin only when it moves a contact (the open contact went online or offline since it was
 * opened): opening a conversation then neither regroups nor re-sorts thousands of contacts.
 */
function movingPin(s: AppState): AppState['pinnedGroup'] {
  const pinned = s.pinnedGroup;
  const contact = pinned === null ? undefined : s.contacts[pinned.id];
  return contact === undefined || groupOf(contact) === pinned?.group ? null : pinned;
}

export const selectGroupedContacts = (s: AppState): GroupedContacts =>
  groupContacts(s.contacts, s.summaries, movingPin(s), s.groups);

const contactRows = memoize(
  (grouped: GroupedContacts, collapsed: AppState['collapsedGroups']): readonly string[] => {
    const rows: string[] = [];
    for (const group of GROUPS) {
      // No groups yet: no Groups section (New group is in the search bar's menu).
      if (group === 'groups' && grouped.groups.length === 0) continue;
      rows.push(`${GROUP_ROW_PREFIX}${group}`);
      if (!collapsed[group]) rows.push(...grouped[group]);
    }
    return rows;
  },
);

/** Flat rows for the virtualized list: `section:groups`, group ids, `section:online`, contact ids, … */
export const selectContactRows = (s: AppState): readonly string[] =>
  contactRows(selectGroupedContacts(s), s.collapsedGroups);

const contactCount = memoize((contacts: Record<string, Contact>) => Object.keys(contacts).length);
const groupCount = memoize((groups: Record<string, GroupInfo>) => Object.keys(groups).length);
/**
 * Contacts and group conversations, counted once per change of either: the list reads it on
 * every store change, and `Object.keys` of 5,000 contacts cost about 1 ms each time.
 */
export const selectListTotal = (s: AppState): number =>
  contactCount(s.contacts) + groupCount(s.groups);

export const selectContact = (id: string | null) => (s: AppState) =>
  id === null ? undefined : s.contacts[id];
export const selectSummary = (id: string) => (s: AppState) => s.summaries[id];
export const selectActiveContact = (s: AppState) =>
  s.activePeerId === null ? undefined : s.contacts[s.activePeerId];
export const selectThread = (peerId: string) => (s: AppState) => s.threads[peerId];

/** The title's and the rail's count: a muted conversation counts only its mentions of me. */
export const selectUnreadTotal = (s: AppState): number => {
  let total = 0;
  for (const [id, summary] of Object.entries(s.summaries))
    total += countedUnread(summary.unread, summary.mentions ?? 0, s.muted[id] === true);
  return total;
};

/** Contacts whose nickname, host or IP:port contains the query (case-insensitive). */
export const matchContacts = memoize(
  (contacts: Record<string, Contact>, query: string): readonly string[] => {
    const q = query.trim().toLowerCase();
    if (q === '') return [];
    return Object.values(contacts)
      .filter((c) =>
        [c.nick, c.host, `${c.address}:${c.port}`].some((f) => f.toLowerCase().includes(q)),
      )
      .sort((a, b) => a.nick.localeCompare(b.nick))
      .map((c) => c.id);
  },
);

const filterPackets = memoize(
  (
    packets: readonly PacketLogEntry[],
    peerId: string,
    kind: string,
    group: string,
    transport: string,
  ): readonly PacketLogEntry[] =>
    peerId === '' && kind === '' && group === '' && transport === ''
      ? packets
      : packets.filter(
          (p) =>
            (peerId === '' || p.peerId === peerId) &&
            (kind === '' || p.kind === kind) &&
            (group === '' || p.fields?.['group'] === group) &&
            (transport === '' || p.transport === transport),
        ),
);

export const selectVisiblePackets = (s: AppState): readonly PacketLogEntry[] =>
  filterPackets(
    s.packets,
    s.packetFilter.peerId,
    s.packetFilter.kind,
    s.packetFilter.group,
    s.packetFilter.transport,
  );

const groupOptions = memoize((groups: AppState['groups']) =>
  Object.values(groups)
    .map((g) => ({ id: g.id, name: g.name }))
    .sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1)),
);
/** Groups for the inspector's group filter, by name. */
export const selectGroupOptions = (s: AppState) => groupOptions(s.groups);

const packetKinds = memoize((packets: readonly PacketLogEntry[]): readonly string[] =>
  [...new Set(packets.map((p) => p.kind))].sort(),
);
export const selectPacketKinds = (s: AppState) => packetKinds(s.packets);

export const selectSelectedPacket = (s: AppState): PacketLogEntry | undefined =>
  s.selectedSeq === null ? undefined : s.packets.find((p) => p.seq === s.selectedSeq);

const peerOptions = memoize((contacts: Record<string, Contact>) =>
  Object.values(contacts)
    .map((c) => ({ id: c.id, nick: c.nick }))
    .sort((a, b) => a.nick.localeCompare(b.nick)),
);
/** Contacts for the inspector's peer filter, by nickname. */
export const selectPeerOptions = (s: AppState) => peerOptions(s.contacts);

const nameTags = memoize(
  (contacts: Record<string, Contact>, selfNick: string | undefined): ReadonlyMap<string, string> =>
    lookAlikeTags(Object.values(contacts), selfNick),
);
/**
 * The short fingerprint shown beside each name that looks like another contact's or like mine
 * (shared/names.ts): contacts absent from the map are shown by name alone.
 */
export const selectNameTags = (s: AppState): ReadonlyMap<string, string> =>
  nameTags(s.contacts, s.self?.nick);
export const selectNameTag =
  (id: string | undefined) =>
  (s: AppState): string | undefined =>
    id === undefined ? undefined : selectNameTags(s).get(id);
