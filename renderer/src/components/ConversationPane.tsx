import { useTranslation } from 'react-i18next';
import { useAppStore } from '../store/context';
import { selectActiveContact } from '../store/selectors';
import { groupOfConversation } from '../store/groups-slice';
import { Composer } from './Composer';
import { GroupConversation } from './GroupConversation';
import { ConversationHeader } from './ConversationHeader';
import { Icon } from './Icon';
import { KeyChangeBanner } from './KeyChangeBanner';
import { MessageList } from './MessageList';
import { MessageMenu } from './MessageMenu';
import { SelectionBar } from './SelectionBar';
import { EmptyView } from './StateView';
import { useFileDrop } from './FileDrop';
import type { Contact } from '../../../shared/domain';

/** The right side: header, messages and composer of the open conversation. */
export function ConversationPane() {
  const { t } = useTranslation();
  const contact = useAppStore(selectActiveContact);
  const setAdding = useAppStore((s) => s.setAddingContact);
  const selecting = useAppStore(
    (s) => s.selection !== null && s.selection.peerId === s.activePeerId,
  );
  const group = useAppStore((s) => groupOfConversation(s.activePeerId)(s));
  if (group) return <GroupConversation group={group} />;
  if (!contact) {
    return (
      <main className="conversation empty" aria-label={t('conversation.emptyLabel')}>
        <EmptyView
          icon={<Icon name="chat" size={56} className="empty-icon" />}
          title={t('conversation.emptyTitle')}
          hint={t('conversation.emptyHint')}
        />
        <button type="button" className="button" onClick={() => setAdding(true)}>
          <Icon name="plus" size={15} />
          {t('contacts.add')}
        </button>
      </main>
    );
  }
  return <ContactConversation key={contact.id} contact={contact} selecting={selecting} />;
}

function ContactConversation(props: { contact: Contact; selecting: boolean }) {
  const { t } = useTranslation();
  const { contact, selecting } = props;
  const drop = useFileDrop(
    contact.kind === 'stranger'
      ? { kind: 'refuse', reason: 'stranger' }
      : { kind: 'send', peerId: contact.id, nick: contact.nick },
  );
  return (
    <main
      className="conversation"
      aria-label={t('conversation.label', { nick: contact.nick })}
      {...drop.props}
    >
      {drop.overlay}
      <ConversationHeader contact={contact} />
      <KeyChangeBanner contact={contact} />
      <MessageList key={contact.id} peerId={contact.id} nick={contact.nick} />
      {selecting ? (
        <SelectionBar peerId={contact.id} />
      ) : (
        <Composer
          key={`composer-${contact.id}`}
          peerId={contact.id}
          nick={contact.nick}
          stranger={contact.kind === 'stranger'}
        />
      )}
      <MessageMenu />
    </main>
  );
}
