// The terminal chat's view of the groups this node knows, and how a typed `#reference` finds one:
// `#N` from /groups, `#NAME` (any case, or its first letters when only one group's name starts
// with them), or the group id (with or without `group:`).
import type { GroupInfo } from '../../shared/domain';
import { groupIdOf } from '../../shared/protocol/groups';
import { namedBy } from './peer-directory';

export type GroupLookup =
  | { readonly kind: 'group'; readonly group: GroupInfo }
  | { readonly kind: 'ambiguous'; readonly matches: readonly GroupInfo[] }
  | { readonly kind: 'none' };

export class GroupDirectory {
  /** By group id, in the order this run learned them: the numbers /groups shows stay put. */
  private readonly groups = new Map<string, GroupInfo>();

  /** Stores a group's current snapshot; returns what was known of it before. */
  set(group: GroupInfo): GroupInfo | undefined {
    const before = this.groups.get(group.id);
    this.groups.set(group.id, group);
    return before;
  }

  /** Adds a group only when this run knows nothing newer of it (the start-up list). */
  addKnown(group: GroupInfo): void {
    if (!this.groups.has(group.id)) this.groups.set(group.id, group);
  }

  /** The group of a conversation id (`group:ID`), if it is one this run knows. */
  ofConversation(conversationId: string): GroupInfo | undefined {
    const id = groupIdOf(conversationId);
    return id === undefined ? undefined : this.groups.get(id);
  }

  /** Every group in the order /groups numbers them. */
  list(): GroupInfo[] {
    return [...this.groups.values()];
  }

  /** `ref` without its `#`. */
  find(ref: string): GroupLookup {
    const groups = this.list();
    const byNumber = /^\d+$/.test(ref) ? groups[Number(ref) - 1] : undefined;
    const exact = byNumber ?? this.groups.get(ref) ?? this.groups.get(groupIdOf(ref) ?? '');
    if (exact !== undefined) return { kind: 'group', group: exact };
    const candidates = namedBy(groups, ref, (g) => g.name);
    const [only] = candidates;
    if (only === undefined) return { kind: 'none' };
    return candidates.length === 1
      ? { kind: 'group', group: only }
      : { kind: 'ambiguous', matches: candidates };
  }
}
