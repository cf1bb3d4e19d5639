import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatMessage } from '../../../shared/domain';
import { isStrangerId } from '../../../shared/stranger-id';
import { formatClock, formatDateTime } from '../lib/format';
import { useAppStore } from '../store/context';
import { Avatar } from './Avatar';
import { Icon, type IconName } from './Icon';
import { MessageText } from './MessageText';

const STATE_ICON: Record<ChatMessage['state'], IconName> = {
  sending: 'clock',
  delivered: 'check',
  pending: 'clock',
  failed: 'alert',
  cancelled: 'close',
  received: 'check',
};

function DeliveryState(props: { message: ChatMessage }) {
  const { t } = useTranslation();
  const retry = useAppStore((s) => s.retryMessage);
  const [error, setError] = useState<string | null>(null);
  const m = props.message;
  // Nothing acknowledges plain text to a stranger: `delivered` there means only "handed to the
  // network", so it reads "Sent", never "Delivered".
  const label = m.state === 'delivered' && isStrangerId(m.peerId) ? 'sent' : m.state;
  return (
    <span className={`delivery delivery-${m.state}`}>
      <Icon name={STATE_ICON[m.state]} size={13} />
      <span>{t(`message.state.${label}`)}</span>
      {m.state === 'failed' && (
        <button
          type="button"
          className="link-button"
          aria-label={t('message.retryLabel')}
          onClick={() => {
            setError(null);
            void retry(m.id).then((r) => {
              if (!r.ok) setError(t('message.retryFailed', { message: r.error.message }));
            });
          }}
        >
          {t('message.retry')}
        </button>
      )}
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}

/** One message: avatar, bubble, time, TCP mark and (for mine) delivery state with retry. */
export const MessageBubble = memo(function MessageBubble(props: {
  id: string;
  highlighted: boolean;
}) {
  const { t, i18n } = useTranslation();
  const m = useAppStore((s) => s.messages[props.id]);
  const nick = useAppStore((s) => (m ? s.contacts[m.peerId]?.nick : undefined));
  const self = useAppStore((s) => s.self);
  if (!m) return null;
  const mine = m.direction === 'out';
  const who = mine
    ? { id: self?.nodeId ?? 'me', name: self?.nick ?? t('message.fromMe') }
    : { id: m.peerId, name: nick ?? m.remote };
  const details = t('message.details', {
    sent: formatDateTime(m.sentAt, i18n.language),
    received: formatDateTime(m.receivedAt, i18n.language),
    remote: m.remote,
  });
  return (
    <div
      className={['message', mine ? 'out' : 'in', props.highlighted && 'highlight']
        .filter(Boolean)
        .join(' ')}
      data-message-id={m.id}
      data-state={m.state}
    >
      <Avatar id={who.id} name={who.name} size={34} stranger={!mine && isStrangerId(m.peerId)} />
      <div className="message-body">
        <div className={`bubble ${m.state}`} title={details}>
          <MessageText text={m.text} />
        </div>
        <div className="message-meta">
          <time dateTime={new Date(m.receivedAt).toISOString()}>
            {formatClock(m.receivedAt, i18n.language)}
          </time>
          {m.transport === 'tcp' && (
            <span className="tcp-mark" title={t('message.tcpTitle')}>
              {t('message.tcp')}
            </span>
          )}
          {m.rttMs !== undefined && (
            <span className="rtt">{t('message.rtt', { ms: Math.round(m.rttMs) })}</span>
          )}
          {mine && <DeliveryState message={m} />}
        </div>
      </div>
    </div>
  );
});
