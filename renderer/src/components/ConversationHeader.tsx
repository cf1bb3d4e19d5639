import { useTranslation } from 'react-i18next';
import type { Contact } from '../../../shared/domain';
import { endpoint, formatDateTime } from '../lib/format';
import type { AppState } from '../store/state';
import { useAppStore } from '../store/context';
import { Avatar } from './Avatar';

const RTT_SCAN = 200;

/** Round-trip time of the newest acknowledged message in the loaded part of the conversation. */
const selectLastRtt = (peerId: string) => (s: AppState) => {
  const items = s.threads[peerId]?.items ?? [];
  for (let i = items.length - 1; i >= 0 && i >= items.length - RTT_SCAN; i -= 1) {
    const rtt = s.messages[items[i] ?? '']?.rttMs;
    if (rtt !== undefined) return rtt;
  }
  return undefined;
};

export function ConversationHeader(props: { contact: Contact }) {
  const { t, i18n } = useTranslation();
  const c = props.contact;
  const rtt = useAppStore(selectLastRtt(c.id));
  const stranger = c.kind === 'stranger';
  const presence = stranger ? undefined : c.online ? c.status : 'offline';
  return (
    <section className="conversation-header" aria-label={t('conversation.about', { nick: c.nick })}>
      <Avatar
        id={c.id}
        name={c.nick}
        size={40}
        stranger={stranger}
        {...(presence ? { presence } : {})}
      />
      <div className="header-text">
        <div className="header-line">
          <h2 className="header-nick" translate="no">
            {c.nick}
          </h2>
          {presence && (
            <span className={`status-chip status-${presence}`}>{t(`status.${presence}`)}</span>
          )}
        </div>
        <div className="header-facts">
          <code className="mono fact" translate="no">
            {endpoint(c.address, c.port)}
          </code>
          {stranger ? (
            <span className="fact">{t('conversation.stranger')}</span>
          ) : (
            <>
              {c.host !== '' && (
                <span className="fact">{t('conversation.host', { host: c.host })}</span>
              )}
              <span className="fact" title={t('conversation.transport')}>
                {c.tcpPort === null
                  ? t('conversation.transportUdp')
                  : t('conversation.transportUdpTcp', { port: c.tcpPort })}
              </span>
              <span className="fact">
                {rtt === undefined
                  ? t('conversation.rttUnknown')
                  : t('conversation.rtt', { ms: Math.round(rtt) })}
              </span>
              {!c.online && (
                <span className="fact">
                  {t('conversation.lastSeen', { time: formatDateTime(c.lastSeen, i18n.language) })}
                </span>
              )}
            </>
          )}
        </div>
      </div>
    </section>
  );
}
