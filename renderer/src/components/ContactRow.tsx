import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { endpoint, formatListTime } from '../lib/format';
import { useAppStore } from '../store/context';
import { Avatar } from './Avatar';
import { useNow } from './use-now';

/** One contact in the list: it selects only its own contact, summary and last message. */
export const ContactRow = memo(function ContactRow(props: {
  id: string;
  active: boolean;
  focused: boolean;
  domId: string;
}) {
  const { t, i18n } = useTranslation();
  const now = useNow();
  const contact = useAppStore((s) => s.contacts[props.id]);
  const summary = useAppStore((s) => s.summaries[props.id]);
  const last = useAppStore((s) => {
    const lastId = s.summaries[props.id]?.lastMessageId;
    return lastId ? s.messages[lastId] : undefined;
  });
  const open = useAppStore((s) => s.openConversation);
  if (!contact) return null;
  const unread = summary?.unread ?? 0;
  const presence =
    contact.kind === 'stranger' ? undefined : contact.online ? contact.status : 'offline';
  const className = [
    'contact-row',
    props.active && 'active',
    props.focused && 'focused',
    !contact.online && 'offline',
  ]
    .filter(Boolean)
    .join(' ');
  const preview = last
    ? `${last.direction === 'out' ? t('contacts.you') : ''}${last.text.slice(0, 120)}`
    : t('contacts.noMessages');
  return (
    <div
      id={props.domId}
      role="option"
      aria-selected={props.active}
      aria-label={`${contact.nick} ${endpoint(contact.address, contact.port)}${unread > 0 ? `, ${t('contacts.unread', { n: unread })}` : ''}`}
      className={className}
      onClick={() => open(contact.id)}
    >
      <Avatar
        id={contact.id}
        name={contact.nick}
        size={42}
        stranger={contact.kind === 'stranger'}
        {...(presence ? { presence } : {})}
      />
      <div className="contact-text">
        <div className="contact-line">
          <span className="nick" translate="no">
            {contact.nick}
          </span>
          {last && (
            <time className="list-time">{formatListTime(last.receivedAt, now, i18n.language)}</time>
          )}
        </div>
        {contact.kind === 'stranger' ? (
          <span className="endpoint-small muted">{t('contacts.strangerHint')}</span>
        ) : (
          <code className="mono endpoint-small" translate="no">
            {endpoint(contact.address, contact.port)}
          </code>
        )}
        <div className="contact-line">
          <span className={last ? 'preview' : 'preview muted'} translate={last ? 'no' : undefined}>
            {preview}
          </span>
          {unread > 0 && (
            <span className="unread-badge" aria-label={t('contacts.unread', { n: unread })}>
              {unread > 99 ? '99+' : unread}
            </span>
          )}
        </div>
      </div>
    </div>
  );
});
