import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useFileDrop } from './FileDrop';
import type { GroupInfo } from '../../../shared/domain';
import { groupConversationId } from '../../../shared/protocol/group-ids';
import { useAppStore } from '../store/context';
import { Avatar } from './Avatar';
import { Composer } from './Composer';
import { useMemberName } from './members';
import { Icon } from './Icon';
import { MessageList } from './MessageList';
import { MessageMenu } from './MessageMenu';
import { mentionables } from './mentions';
import { SelectionBar } from './SelectionBar';

/** Mute or unmute a conversation: no notifications, no unread emphasis, except @mentions of me. */
export function MuteButton(props: { peerId: string; name: string }) {
  const { t } = useTranslation();
  const muted = useAppStore((s) => s.muted[props.peerId] === true);
  const setMuted = useAppStore((s) => s.setMuted);
  return (
    <button
      type="button"
      className={muted ? 'button mute-button on' : 'button mute-button'}
      aria-pressed={muted}
      aria-label={t(muted ? 'groups.unmuteLabel' : 'groups.muteLabel', { name: props.name })}
      title={t(muted ? 'groups.unmuteLabel' : 'groups.muteLabel', { name: props.name })}
      onClick={() => void setMuted(props.peerId, !muted)}
    >
      <Icon name={muted ? 'bellOff' : 'bell'} size={16} />
      {t(muted ? 'groups.unmute' : 'groups.mute')}
    </button>
  );
}

function GroupHeader(props: { group: GroupInfo }) {
  const { t } = useTranslation();
  const g = props.group;
  const open = useAppStore((s) => s.setGroupDialog);
  const online = useAppStore((s) => g.members.filter((m) => s.contacts[m.id]?.online).length);
  return (
    <section className="conversation-header" aria-label={t('groups.about', { name: g.name })}>
      <Avatar id={g.id} name={g.name} size={40} />
      <div className="header-text">
        <div className="header-line">
          <h2 className="header-nick" translate="no">
            {g.name}
          </h2>
          {g.status !== 'member' && (
            <span className="status-chip status-offline">{t(`groups.status.${g.status}`)}</span>
          )}
        </div>
        <div className="header-facts">
          <span className="fact">{t('groups.memberCount', { count: g.members.length })}</span>
          <span className="fact">{t('groups.onlineCount', { count: online })}</span>
        </div>
      </div>
      <MuteButton peerId={groupConversationId(g.id)} name={g.name} />
      <button
        type="button"
        className="button members-button"
        onClick={() => open({ kind: 'members', groupId: g.id })}
      >
        <Icon name="group" size={16} />
        {t('groups.showMembers', { count: g.members.length })}
      </button>
    </section>
  );
}

/** A group's conversation: header with the member panel's button, messages, composer. */
export function GroupConversation(props: { group: GroupInfo }) {
  const { t } = useTranslation();
  const g = props.group;
  const id = groupConversationId(g.id);
  const selecting = useAppStore((s) => s.selection !== null && s.selection.peerId === id);
  const selfId = useAppStore((s) => s.self?.nodeId);
  const name = useMemberName();
  const mentionable = useMemo(
    () =>
      mentionables(
        g.members.filter((m) => m.id !== selfId).map((m) => ({ id: m.id, name: name(m.id) })),
      ),
    [g.members, selfId, name],
  );
  const drop = useFileDrop({ kind: 'refuse', reason: 'group' });
  return (
    <main
      className="conversation"
      aria-label={t('groups.conversation', { name: g.name })}
      {...drop.props}
    >
      {drop.overlay}
      <GroupHeader group={g} />
      <MessageList key={id} peerId={id} nick={g.name} />
      {selecting ? (
        <SelectionBar peerId={id} />
      ) : g.status === 'member' ? (
        <Composer
          key={`composer-${id}`}
          peerId={id}
          nick={g.name}
          stranger={false}
          mentionable={mentionable}
          members={mentionable.map((m) => m.id)}
        />
      ) : (
        <p className="composer-note not-member" role="note">
          {t('groups.notMember')}
        </p>
      )}
      <MessageMenu />
    </main>
  );
}
