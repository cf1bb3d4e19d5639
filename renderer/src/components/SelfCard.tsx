import { useTranslation } from 'react-i18next';
import type { SelfInfo } from '../../../shared/ipc/contract';
import { endpoint } from '../lib/format';
import { useAppStore } from '../store/context';
import { Avatar } from './Avatar';
import { Bdi } from './PeerName';

/** Whether the IPMsg bridge holds its port; when not, why (turned off, or taken and by whom). */
function IpmsgChip(props: { ipmsg: NonNullable<SelfInfo['ipmsg']> }) {
  const { t } = useTranslation();
  const { port, reason } = props.ipmsg;
  if (port !== null)
    return (
      <span className="iface-chip muted" title={t('self.ipmsgTitle', { port })}>
        {t('self.ipmsg', { port })}
      </span>
    );
  // The reason (a taken port names its owner) also came as a notice when the app started.
  return (
    <span className="iface-chip muted" title={reason}>
      {t('self.ipmsgOff')}
    </span>
  );
}

/** My own card: avatar, nickname, status, my IP:port and my interfaces' addresses. */
export function SelfCard() {
  const { t } = useTranslation();
  const self = useAppStore((s) => s.self);
  const load = useAppStore((s) => s.selfLoad);
  if (!self) {
    return (
      <section className="self-card" aria-label={t('self.label')}>
        <p className={load.status === 'error' ? 'self-status error' : 'self-status'} role="status">
          {load.status === 'error' ? t('self.error', { message: load.error }) : t('self.loading')}
        </p>
      </section>
    );
  }
  const addresses = self.interfaces.filter((i) => !i.internal);
  return (
    <section className="self-card" aria-label={t('self.label')}>
      <Avatar id={self.nodeId} name={self.nick} size={48} presence={self.status} />
      <div className="self-text">
        <div className="self-line">
          <span className="self-nick">
            <Bdi>{self.nick}</Bdi>
          </span>
          <span className={`status-chip status-${self.status}`}>{t(`status.${self.status}`)}</span>
        </div>
        <code className="mono self-endpoint" translate="no">
          {endpoint(self.address, self.clientPort)}
        </code>
        <div className="self-addresses" aria-label={t('self.addresses')}>
          {addresses.map((i) => (
            <span
              key={`${i.name}-${i.address}`}
              className="iface-chip"
              translate="no"
              title={`${i.name} ${i.address}/${i.netmask}`}
            >
              {i.name} <span className="mono">{i.address}</span>
            </span>
          ))}
          <span className="iface-chip muted">
            {self.tcpPort === null ? t('self.tcpOff') : t('self.tcp', { port: self.tcpPort })}
          </span>
          {self.ipmsg && <IpmsgChip ipmsg={self.ipmsg} />}
        </div>
      </div>
    </section>
  );
}
