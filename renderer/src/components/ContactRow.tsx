import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { endpoint, formatListTime } from '../lib/format';
import { useAppStore } from '../store/context';
import { Avatar } from './Avatar';
import { presenceOf, useTyping } from './ConversationHeader';
import { useNow } from './use-now';

/** One contact in the list: it selects only its own contact, summary, draft and last message. */
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
  const draft = useAppStore((s) => s.drafts[props.id] ?? '');
  const typing = useTyping(props.id);
  const last = useAppStore((s) => {
    const lastId = s.summaries[props.id]?.lastMessageId;
    return lastId ? s.messages[lastId] : undefined;
  });
  const open = useAppStore((s) => s.openConversation);
  if (!contact) return null;
  const unread = summary?.unread ?? 0;
  const presence = presenceOf(contact);
  const className = [
    'contact-row',
    props.active && 'active',
    props.focused && 'focused',
    !contact.online && 'offline',
  ]
    .filter(Boolean)
    .join(' ');
  // As in QQ and Telegram: a conversation with unsent text says so, except the open one.
  const showDraft = draft.trim() !== '' && !props.active;
  let preview;
  if (typing) preview = <span className="preview typing">{t('conversation.typing')}</span>;
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
        {last
          ? `${last.direction === 'out' ? t('contacts.you') : ''}${last.text.slice(0, 120)}`
          : t('contacts.noMessages')}
      </span>
    );
  const state =
    presence === undefined
      ? ''
      : `, ${presence === 'silent' ? t('status.notResponding') : t(`status.${presence}`)}`;
  return (
    <div
      id={props.domId}
      role="option"
      aria-selected={props.active}
      aria-label={`${contact.nick} ${endpoint(contact.address, contact.port)}${state}${unread > 0 ? `, ${t('contacts.unread', { n: unread })}` : ''}${showDraft ? `, ${t('contacts.draft')}` : ''}`}
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
          <span className="contact-line small-line">
            <code className="mono endpoint-small" translate="no">
              {endpoint(contact.address, contact.port)}
            </code>
            {presence === 'silent' && (
              <span className="silent-note">{t('status.notResponding')}</span>
            )}
            {contact.statusText && (
              <span className="status-text small" translate="no">
                {contact.statusText}
              </span>
            )}
          </span>
        )}
        <div className="contact-line">
          {preview}
          {unread > 0 && (
            <span className="unread-badge" aria-hidden="true">
              {unread > 99 ? '99+' : unread}
            </span>
          )}
        </div>
      </div>
    </div>
  );
});
