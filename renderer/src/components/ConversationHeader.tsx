import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Contact } from '../../../shared/domain';
import { TYPING_SHOWN_MS } from '../../../shared/protocol/constants';
import { formatDateTime } from '../lib/format';
import { pathText } from '../lib/path';
import type { AppState } from '../store/state';
import { useAppStore } from '../store/context';
import { Avatar, type Presence } from './Avatar';
import { ProtocolMarks } from './ProtocolMarks';
import { MuteButton } from './GroupConversation';
import { Icon } from './Icon';
import { Bdi, Isolated, PeerName, useTaggedName } from './PeerName';
import { TrustBadge, trustOf } from './TrustBadge';

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

/** "typing…" for TYPING_SHOWN_MS after the peer's last typing notice. */
export function useTyping(peerId: string): boolean {
  const at = useAppStore((s) => s.typing[peerId]);
  /** The notice whose time is up (each notice has its own `at`). */
  const [expired, setExpired] = useState<number | undefined>(undefined);
  useEffect(() => {
    if (at === undefined) return;
    const timer = setTimeout(() => setExpired(at), Math.max(0, at + TYPING_SHOWN_MS - Date.now()));
    return () => clearTimeout(timer);
  }, [at]);
  return at !== undefined && expired !== at;
}

/** Online, Away, Busy, Offline, or "Not responding" (online, but our messages get no answer). */
export function presenceOf(c: Contact): Presence | undefined {
  if (c.kind === 'stranger') return undefined;
  if (!c.online) return 'offline';
  return c.responding === false ? 'silent' : c.status;
}

export function ConversationHeader(props: { contact: Contact }) {
  const { t, i18n } = useTranslation();
  const c = props.contact;
  const rtt = useAppStore(selectLastRtt(c.id));
  const typing = useTyping(c.id);
  const stranger = c.kind === 'stranger';
  const presence = presenceOf(c);
  const openVerify = useAppStore((s) => s.openVerify);
  const name = useTaggedName(c.id, c.nick);
  const trust = trustOf(c);
  return (
    <section className="conversation-header" aria-label={t('conversation.about', { nick: name })}>
      <Avatar
        id={c.id}
        name={c.nick}
        size={40}
        stranger={stranger}
        presence={presence}
        hue={c.avatarHue}
      />
      <div className="header-text">
        <div className="header-line">
          <h2 className="header-nick">
            <PeerName id={c.id} nick={c.nick} />
          </h2>
          <ProtocolMarks contact={c} />
          <TrustBadge trust={trust} showText />
          {presence && (
            <span className={`status-chip status-${presence}`}>
              {presence === 'silent' ? t('status.notResponding') : t(`status.${presence}`)}
            </span>
          )}
          {c.statusText && <Bdi className="status-text">{c.statusText}</Bdi>}
          {typing && (
            <span className="typing" role="status">
              {t('conversation.typing')}
            </span>
          )}
        </div>
        <div className="header-facts">
          <code
            className={c.path.kind === 'relay' && !stranger ? 'mono fact path-relay' : 'mono fact'}
            title={t('conversation.path')}
            translate="no"
          >
            {pathText(t, c)}
          </code>
          {c.protocol === 'ipmsg' && <span className="fact">{t('conversation.ipmsg')}</span>}
          {stranger ? (
            <span className="fact">{t('conversation.stranger')}</span>
          ) : (
            <>
              {c.host !== '' && (
                <span className="fact">
                  <Isolated text={(v) => t('conversation.host', v)} names={{ host: c.host }} />
                </span>
              )}
              <span className="fact" title={t('conversation.transport')}>
                {c.path.kind === 'relay'
                  ? t('conversation.viaRelayTransport')
                  : c.tcpPort === null
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
      <MuteButton peerId={c.id} name={c.nick} />
      {!stranger && (
        <button
          type="button"
          className="button header-verify"
          aria-haspopup="dialog"
          onClick={() => openVerify(c.id)}
        >
          <Icon name={trust === 'verified' ? 'verified' : 'lock'} size={15} />
          {trust === 'verified' ? t('trust.safetyNumberButton') : t('trust.verify')}
        </button>
      )}
    </section>
  );
}
