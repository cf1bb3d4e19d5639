import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { groupIdOf } from '../../../shared/protocol/group-ids';
import { formatListTime } from '../lib/format';
import { messagePreview } from '../lib/preview';
import { useAppStore } from '../store/context';
import { Avatar } from './Avatar';
import { Icon } from './Icon';
import { useNow } from './use-now';

/** One group in the contact list: name, member count, last message with its writer, unread. */
export const GroupRow = memo(function GroupRow(props: {
  id: string;
  focused: boolean;
  domId: string;
}) {
  const { t, i18n } = useTranslation();
  // Its own: the list around it does not re-render when another conversation opens.
  const active = useAppStore((s) => s.activePeerId === props.id);
  const now = useNow();
  const group = useAppStore((s) => s.groups[groupIdOf(props.id) ?? '']);
  const summary = useAppStore((s) => s.summaries[props.id]);
  const last = useAppStore((s) => {
    const lastId = s.summaries[props.id]?.lastMessageId;
    return lastId ? s.messages[lastId] : undefined;
  });
  const writer = useAppStore((s) =>
    last?.group === undefined || last.direction === 'out'
      ? undefined
      : (s.contacts[last.group.sender]?.nick ?? last.group.sender.slice(0, 8)),
  );
  const open = useAppStore((s) => s.openConversation);
  const muted = useAppStore((s) => s.muted[props.id] === true);
  if (!group) return null;
  const unread = summary?.unread ?? 0;
  const members = t('groups.memberCount', { count: group.members.length });
  const standing = group.status === 'member' ? undefined : t(`groups.status.${group.status}`);
  const time = last ? formatListTime(last.receivedAt, now, i18n.language) : undefined;
  const preview = last
    ? `${last.direction === 'out' ? t('contacts.you') : writer ? `${writer}: ` : ''}${messagePreview(t, last, i18n.language)}`
    : t('contacts.noMessages');
  const badge = unread > 0 ? (unread > 99 ? '99+' : String(unread)) : undefined;
  const mentioned = unread > 0 && (summary?.mentions ?? 0) > 0;
  // What is seen comes first, in order and with nothing between (the name contains the visible
  // text, WCAG 2.5.3, axe's label-content-name-mismatch); then what only a screen reader needs.
  const shown = [
    group.name,
    members,
    standing,
    time,
    preview,
    badge !== undefined && mentioned ? `@ ${badge}` : badge,
  ]
    .filter((part) => part !== undefined && part !== '')
    .join(' ');
  const label = [
    shown,
    muted ? t('groups.muted') : undefined,
    mentioned ? t('groups.mentionsYou') : undefined,
    unread > 0 ? t('contacts.unread', { n: unread }) : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(', ');
  const className = ['contact-row', 'group-row', active && 'active', props.focused && 'focused']
    .filter(Boolean)
    .join(' ');
  return (
    <div
      id={props.domId}
      role="option"
      aria-selected={active}
      aria-label={label}
      className={className}
      data-group-id={group.id}
      onClick={() => open(props.id)}
    >
      <Avatar id={group.id} name={group.name} size={42} />
      <div className="contact-text">
        <span className="nick" translate="no">
          {group.name}
        </span>{' '}
        <span className="contact-line small-line contact-address">
          {muted && (
            <span className="muted-mark" title={t('groups.muted')} aria-hidden="true">
              <Icon name="bellOff" size={12} />
            </span>
          )}
          <span className="member-count">{members}</span>
          {standing && <span className="silent-note"> {standing}</span>}
        </span>{' '}
        {time && <time className="list-time">{time}</time>}{' '}
        <span className={last ? 'preview' : 'preview muted'} translate={last ? 'no' : undefined}>
          {preview}
        </span>{' '}
        {badge && (
          // Muted: the count shows without the colour that asks for attention, unless an unread
          // message @mentions me (then it says so: "@ 3").
          <span
            className={['unread-badge', muted && !mentioned && 'quiet', mentioned && 'mention']
              .filter(Boolean)
              .join(' ')}
            aria-hidden="true"
          >
            {mentioned ? `@ ${badge}` : badge}
          </span>
        )}
      </div>
    </div>
  );
});
