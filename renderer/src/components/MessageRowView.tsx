import { memo } from 'react';
import { dayKey, formatClock, formatDay } from '../lib/format';
import { useAppStore } from '../store/context';
import { MessageBubble } from './MessageBubble';
import type { MessageRow } from './message-rows';
import { Icon, type IconName } from './Icon';
import { Isolated } from './PeerName';
import { useNow } from './use-now';
import { useText } from '../i18n/text';

/** Today, Yesterday, or the date. */
export function useDayLabel(at: number): string {
  const { t, language } = useText();
  const now = useNow();
  return dayKey(at) === dayKey(now)
    ? t('conversation.today')
    : dayKey(at) === dayKey(now - 86_400_000)
      ? t('conversation.yesterday')
      : formatDay(at, language);
}

function DaySeparator(props: { at: number }) {
  const label = useDayLabel(props.at);
  return (
    <div className="day-separator" role="separator" aria-label={label}>
      <span>{label}</span>
    </div>
  );
}

function UnreadDivider() {
  const { t } = useText();
  return (
    <div className="unread-divider" role="separator" aria-label={t('conversation.unreadDivider')}>
      <span>{t('conversation.unreadDivider')}</span>
    </div>
  );
}

function GapMarker() {
  const { t } = useText();
  return (
    <div className="gap-marker" role="separator" aria-label={t('groups.gap')}>
      <Icon name="alert" size={14} />
      <span>{t('groups.gap')}</span>
    </div>
  );
}

function NoticeRow(props: { id: string }) {
  const { t, language } = useText();
  const notice = useAppStore((s) => s.notices[props.id]);
  const nick = useAppStore((s) => (notice ? s.contacts[notice.peerId]?.nick : undefined));
  if (!notice) return null;
  const name = { id: notice.peerId, nick: nick ?? notice.peerId };
  let icon: IconName = 'arrows';
  let text;
  switch (notice.kind) {
    case 'moved':
      text = (
        <Isolated
          text={(v) => t('conversation.moved', { ...v, from: notice.from, to: notice.to })}
          names={{ nick: name }}
        />
      );
      break;
    case 'key-changed':
      icon = 'warning';
      text = <Isolated text={(v) => t('trust.noticeChanged', v)} names={{ nick: name }} />;
      break;
    case 'key-accepted':
      icon = 'lock';
      text = <Isolated text={(v) => t('trust.noticeAccepted', v)} names={{ nick: name }} />;
      break;
  }
  return (
    <div className={`thread-notice notice-${notice.kind}`} role="note">
      <Icon name={icon} size={14} />
      <span>{text}</span>
      <time>{formatClock(notice.at, language)}</time>
    </div>
  );
}

function TopRow(props: { peerId: string }) {
  const { t } = useText();
  const thread = useAppStore((s) => s.threads[props.peerId]);
  const loadOlder = useAppStore((s) => s.loadOlder);
  if (thread?.load.status === 'error') {
    return (
      <div className="thread-top error" role="alert">
        <span>{t('conversation.error', { message: thread.load.error })}</span>
        <button type="button" className="link-button" onClick={() => void loadOlder(props.peerId)}>
          {t('conversation.retry')}
        </button>
      </div>
    );
  }
  if (thread?.complete) {
    return (
      <div className="thread-top muted">
        {thread.items.length === 0 ? t('conversation.noMessages') : t('conversation.beginning')}
      </div>
    );
  }
  return (
    <div className="thread-top muted" role="status">
      <span className="spinner small" aria-hidden="true" />
      {thread && thread.items.length > 0
        ? t('conversation.loadingOlder')
        : t('conversation.loading')}
    </div>
  );
}

/** Memoized: a scroll step re-renders the list, and each row only when its own row changed. */
export const MessageRowView = memo(function MessageRowView(props: {
  row: MessageRow;
  peerId: string;
  highlightId: string | null;
}) {
  const row = props.row;
  switch (row.kind) {
    case 'top':
      return <TopRow peerId={props.peerId} />;
    case 'day':
      return <DaySeparator at={row.at} />;
    case 'notice':
      return <NoticeRow id={row.id} />;
    case 'unread':
      return <UnreadDivider />;
    case 'gap':
      return <GapMarker />;
    case 'message':
      return (
        <MessageBubble
          id={row.id}
          first={row.first}
          last={row.last}
          highlighted={row.id === props.highlightId}
        />
      );
  }
});
