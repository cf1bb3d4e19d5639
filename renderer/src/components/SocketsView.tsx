import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { NodeCounters } from '../../../shared/domain';
import { formatBytes, formatNumber } from '../lib/format';
import { useAppStore } from '../store/context';
import { Icon } from './Icon';
import { RelayState } from './RelaySettings';
import { StateView } from './StateView';

const REFRESH_MS = 3_000;
const BYTE_COUNTERS = new Set<keyof NodeCounters>(['bytesSent', 'bytesReceived']);

function Counters() {
  const { t, i18n } = useTranslation();
  const counters = useAppStore((s) => s.counters);
  if (!counters) return null;
  const entries = Object.entries(counters) as [keyof NodeCounters, number][];
  return (
    <section className="card" aria-label={t('sockets.counters')}>
      <h3>{t('sockets.counters')}</h3>
      <dl className="counter-grid">
        {entries.map(([name, value]) => (
          <div key={name} className={value > 0 ? 'counter' : 'counter zero'}>
            <dt>{t(`sockets.counter.${name}`)}</dt>
            <dd className="mono">
              {BYTE_COUNTERS.has(name)
                ? formatBytes(value, i18n.language)
                : formatNumber(value, i18n.language)}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** Each relay broker and the node's connection to it, as main reports it (none: no card). */
function RelayBrokers() {
  const { t } = useTranslation();
  const relays = useAppStore((s) => s.self?.relays ?? []);
  if (relays.length === 0) return null;
  return (
    <section className="card" aria-label={t('sockets.relays')}>
      <h3>{t('sockets.relays')}</h3>
      <ul className="plain-list">
        {relays.map((r) => (
          <li key={r.url}>
            <code className="mono" translate="no">
              {r.url}
            </code>{' '}
            <RelayState status={r} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The node's sockets, the host's interfaces and live counters (refreshed while shown). */
export function SocketsView() {
  const { t } = useTranslation();
  const sockets = useAppStore((s) => s.sockets);
  const load = useAppStore((s) => s.socketsLoad);
  const refresh = useAppStore((s) => s.loadSockets);
  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);
  if (!sockets) {
    return (
      <StateView
        load={load}
        loadingText={t('sockets.loading')}
        errorText={t('sockets.error', { message: load.error })}
        onRetry={() => void refresh()}
      />
    );
  }
  return (
    <div className="sockets-view">
      <section className="card" aria-label={t('sockets.sockets')}>
        <div className="card-title">
          <h3>{t('sockets.sockets')}</h3>
          <button type="button" className="button" onClick={() => void refresh()}>
            <Icon name="refresh" size={15} />
            {t('sockets.refresh')}
          </button>
        </div>
        {load.status === 'error' && (
          <p className="field-error" role="alert">
            {t('sockets.error', { message: load.error })}
          </p>
        )}
        {sockets.sockets.length === 0 ? (
          <p className="muted">{t('sockets.empty')}</p>
        ) : (
          <table className="data-table">
            <thead>
              <tr>
                {(['role', 'local', 'remote', 'state'] as const).map((c) => (
                  <th key={c} scope="col">
                    {t(`sockets.columns.${c}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {sockets.sockets.map((s, i) => (
                <tr key={`${s.role}-${s.local}-${s.remote ?? ''}-${i}`}>
                  <td>
                    <span className={`role-chip role-${s.role}`}>
                      {t(`sockets.role.${s.role}`)}
                    </span>
                  </td>
                  <td className="mono" translate="no">
                    {s.local}
                  </td>
                  <td className="mono" translate="no">
                    {s.remote ?? '—'}
                  </td>
                  <td translate="no">{s.state}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <RelayBrokers />
      <section className="card" aria-label={t('sockets.interfaces')}>
        <h3>{t('sockets.interfaces')}</h3>
        <table className="data-table">
          <thead>
            <tr>
              {(['name', 'address', 'netmask', 'broadcast'] as const).map((c) => (
                <th key={c} scope="col">
                  {t(`sockets.columns.${c}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {sockets.interfaces.map((i) => (
              <tr key={`${i.name}-${i.address}`}>
                <td>
                  <span translate="no">{i.name}</span>{' '}
                  {i.internal && <span className="muted small">({t('sockets.loopback')})</span>}
                </td>
                <td className="mono" translate="no">
                  {i.address}
                </td>
                <td className="mono" translate="no">
                  {i.netmask}
                </td>
                <td className="mono" translate="no">
                  {i.broadcast}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <Counters />
    </div>
  );
}
