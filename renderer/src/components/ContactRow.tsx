import { memo } from 'react';
import { formatListTime } from '../lib/format';
import { rowAddress } from '../lib/path';
import { messagePreview } from '../lib/preview';
import { useAppStore } from '../store/context';
import { Avatar } from './Avatar';
import { presenceOf, useTyping } from './ConversationHeader';
import { ProtocolMarks } from './ProtocolMarks';
import { Bdi, PeerName, useTaggedName } from './PeerName';
import { TrustBadge, trustOf } from './TrustBadge';
import { useNow } from './use-now';
import { useText } from '../i18n/text';

/** One contact in the list: it selects only its own contact, summary, draft and last message. */
export const ContactRow = memo(function ContactRow(props: {
  id: string;
  focused: boolean;
  domId: string;
}) {
  const { t, language } = useText();
  // Its own: the list around it does not re-render when another conversation opens.
  const active = useAppStore((s) => s.activePeerId === props.id);
  const now = useNow();
  const contact = useAppStore((s) => s.contacts[props.id]);
  const summary = useAppStore((s) => s.summaries[props.id]);
  const draft = useAppStore((s) => s.drafts[props.id] ?? '');
  const typing = useTyping(props.id);
  const last = useAppStore((s) => {
    const lastId = s.summaries[props.id]?.lastMessageId;
    return lastId ? s.messages[lastId] : undefined;
  });
  const open = useAppStore((s) => s.openConversation);
  const muted = useAppStore((s) => s.muted[props.id] === true);
  const name = useTaggedName(props.id, contact?.nick ?? '');
  if (!contact) return null;
  const trust = trustOf(contact);
  const keyChanged = trust === 'key-changed' ? t('trust.state.key-changed') : undefined;
  const unread = summary?.unread ?? 0;
  const presence = presenceOf(contact);
  const className = [
    'contact-row',
    active && 'active',
    props.focused && 'focused',
    !contact.online && 'offline',
  ]
    .filter(Boolean)
    .join(' ');
  // As in QQ and Telegram: a conversation with unsent text says so, except the open one.
  const showDraft = draft.trim() !== '' && !active;
  const time = last ? formatListTime(last.receivedAt, now, language) : undefined;
  const address = contact.kind === 'stranger' ? t('contacts.strangerHint') : rowAddress(t, contact);
  const relayed = contact.kind !== 'stranger' && contact.path.kind === 'relay';
  const silent = presence === 'silent' ? t('status.notResponding') : undefined;
  const previewText = typing
    ? t('conversation.typing')
    : showDraft
      ? `${t('contacts.draft')} ${draft.replace(/\s+/g, ' ').slice(0, 120)}`
      : last
        ? `${last.direction === 'out' ? t('contacts.you') : ''}${messagePreview(t, last, language)}`
        : t('contacts.noMessages');
  const badge = unread > 0 ? (unread > 99 ? '99+' : String(unread)) : undefined;
  let preview;
  if (typing) preview = <span className="preview typing">{previewText}</span>;
  else if (showDraft)
    preview = (
      <span className="preview">
        <span className="draft-mark">{t('contacts.draft')}</span>{' '}
        <span translate="no">{draft.replace(/\s+/g, ' ').slice(0, 120)}</span>
      </span>
    );
  else
    preview = (
      <span className={last ? 'preview' : 'preview muted'} translate={last ? 'no' : undefined}>
        {previewText}
      </span>
    );
  const state =
    presence === undefined || presence === 'silent' ? '' : `, ${t(`status.${presence}`)}`;
  // The name is what the row shows, in the same order, then what only a screen reader needs:
  // the visible words stay part of the name (WCAG 2.5.3, axe's label-content-name-mismatch).
  const protocol =
    contact.protocol === 'ipmsg' ? t(`protocol.${contact.badge ?? 'IPMsg'}`) : undefined;
  const shown = [
    name,
    protocol,
    address,
    keyChanged,
    silent,
    contact.statusText,
    time,
    previewText,
    badge,
  ]
    .filter((part) => part !== undefined && part !== '')
    .join(' ');
  const label = `${shown}${state}, ${t(`trust.state.${trust}`)}${unread > 0 ? `, ${t('contacts.unread', { n: unread })}` : ''}`;
  return (
    <div
      id={props.domId}
      role="option"
      aria-selected={active}
      aria-label={label}
      className={className}
      onClick={() => open(contact.id)}
    >
      <Avatar
        id={contact.id}
        name={contact.nick}
        size={42}
        stranger={contact.kind === 'stranger'}
        presence={presence}
        hue={contact.avatarHue}
      />
      <div className="contact-text">
        <span className="nick">
          <PeerName id={contact.id} nick={contact.nick} /> <TrustBadge trust={trust} size={13} />
        </span>{' '}
        {contact.kind === 'stranger' ? (
          <span className="endpoint-small muted contact-address">{address}</span>
        ) : (
          <span className="contact-line small-line contact-address">
            <ProtocolMarks contact={contact} />
            <code
              className={relayed ? 'mono endpoint-small path-relay' : 'mono endpoint-small'}
              translate="no"
            >
              {address}
            </code>
            {keyChanged && <span className="key-changed-note"> {keyChanged}</span>}
            {silent && <span className="silent-note"> {silent}</span>}
            {contact.statusText && (
              <>
                {' '}
                <Bdi className="status-text small">{contact.statusText}</Bdi>
              </>
            )}
          </span>
        )}{' '}
        {time && <time className="list-time">{time}</time>} {preview}{' '}
        {badge && (
          <span className={muted ? 'unread-badge quiet' : 'unread-badge'} aria-hidden="true">
            {badge}
          </span>
        )}
      </div>
    </div>
  );
});
