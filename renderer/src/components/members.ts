import { useTranslation } from 'react-i18next';
import type { Contact, TrustState } from '../../../shared/domain';
import { useAppStore } from '../store/context';

// Group members as the conversation, the tallies and the group dialogs name them. Apart from
// GroupDialogs.tsx, whose dialogs load on first use (lazy-views.ts).

/** A member's name: the contact's nickname, me, or the start of its node id. */
export function useMemberName(): (id: string) => string {
  const { t } = useTranslation();
  const contacts = useAppStore((s) => s.contacts);
  const self = useAppStore((s) => s.self);
  return (id) =>
    id === self?.nodeId
      ? t('groups.me', { nick: self.nick })
      : (contacts[id]?.nick ?? id.slice(0, 8));
}

/** What we know of a member's key: the contact's trust state, or unknown (never met). */
export function trustOf(contact: Contact | undefined): TrustState | 'unknown' {
  return contact?.trust ?? 'unknown';
}
