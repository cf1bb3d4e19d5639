import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../store/context';
import {
  selectGroupOptions,
  selectPacketKinds,
  selectPeerOptions,
  selectVisiblePackets,
} from '../store/selectors';
import { Icon } from './Icon';
import { PacketDetail } from './PacketDetail';
import { PacketTable } from './PacketTable';
import { SocketsView } from './SocketsView';

type Tab = 'packets' | 'sockets';

function PacketToolbar() {
  const { t } = useTranslation();
  const filter = useAppStore((s) => s.packetFilter);
  const setFilter = useAppStore((s) => s.setPacketFilter);
  const kinds = useAppStore(selectPacketKinds);
  const peerOptions = useAppStore(selectPeerOptions);
  const groupOptions = useAppStore(selectGroupOptions);
  const paused = useAppStore((s) => s.paused);
  const held = useAppStore((s) => s.held.length);
  const setPaused = useAppStore((s) => s.setPaused);
  const clear = useAppStore((s) => s.clearPackets);
  const shown = useAppStore((s) => selectVisiblePackets(s).length);
  const total = useAppStore((s) => s.packets.length);
  return (
    <div className="toolbar">
      <select
        className="select"
        aria-label={t('inspector.filterPeer')}
        value={filter.peerId}
        onChange={(e) => setFilter({ peerId: e.target.value })}
      >
        <option value="">{t('inspector.allPeers')}</option>
        {peerOptions.map((p) => (
          <option key={p.id} value={p.id} translate="no">
            {p.nick}
          </option>
        ))}
      </select>
      {(groupOptions.length > 0 || filter.group !== '') && (
        <select
          className="select"
          aria-label={t('inspector.filterGroup')}
          value={filter.group}
          onChange={(e) => setFilter({ group: e.target.value })}
        >
          <option value="">{t('inspector.allGroups')}</option>
          {groupOptions.map((g) => (
            <option key={g.id} value={g.id} translate="no">
              {g.name}
            </option>
          ))}
        </select>
      )}
      <select
        className="select"
        aria-label={t('inspector.filterTransport')}
        value={filter.transport}
        onChange={(e) => {
          const value = e.target.value;
          if (value === '' || value === 'udp' || value === 'tcp' || value === 'relay')
            setFilter({ transport: value });
        }}
      >
        <option value="">{t('inspector.allTransports')}</option>
        <option value="udp">UDP</option>
        <option value="tcp">TCP</option>
        <option value="relay">{t('inspector.relayTransport')}</option>
      </select>
      <select
        className="select"
        aria-label={t('inspector.filterKind')}
        value={filter.kind}
        onChange={(e) => setFilter({ kind: e.target.value })}
      >
        <option value="">{t('inspector.allKinds')}</option>
        {kinds.map((k) => (
          <option key={k} value={k} translate="no">
            {k}
          </option>
        ))}
      </select>
      <button
        type="button"
        className={paused ? 'button primary' : 'button'}
        aria-pressed={paused}
        onClick={() => setPaused(!paused)}
      >
        <Icon name={paused ? 'play' : 'pause'} size={15} />
        {paused ? t('inspector.resume') : t('inspector.pause')}
      </button>
      <button type="button" className="button" onClick={clear}>
        <Icon name="trash" size={15} />
        {t('inspector.clear')}
      </button>
      <span className="toolbar-spacer" />
      <span className={paused ? 'live-chip paused' : 'live-chip'}>
        {paused
          ? `${t('inspector.paused')} · ${t('inspector.held', { n: held })}`
          : t('inspector.live')}
      </span>
      <span className="muted mono">{t('inspector.shown', { shown, total })}</span>
    </div>
  );
}

/** Live packet log with filters, pause and a decoded detail view; and the sockets view. */
export function Inspector() {
  const { t } = useTranslation();
  const [tab, setTab] = useState<Tab>('packets');
  const selected = useAppStore((s) => s.selectedSeq !== null);
  return (
    <main className="inspector" aria-label={t('inspector.title')}>
      <header className="inspector-header">
        <h2>{t('inspector.title')}</h2>
        <div className="tabs" role="tablist">
          {(['packets', 'sockets'] as const).map((name) => (
            <button
              key={name}
              type="button"
              role="tab"
              aria-selected={tab === name}
              className={tab === name ? 'tab active' : 'tab'}
              onClick={() => setTab(name)}
            >
              {name === 'packets' ? t('inspector.packetsTab') : t('inspector.socketsTab')}
            </button>
          ))}
        </div>
      </header>
      {tab === 'packets' ? (
        <section className="inspector-body" role="tabpanel" aria-label={t('inspector.packetsTab')}>
          <PacketToolbar />
          <div className={selected ? 'packet-split with-detail' : 'packet-split'}>
            <PacketTable />
            <PacketDetail />
          </div>
        </section>
      ) : (
        <section className="inspector-body" role="tabpanel" aria-label={t('inspector.socketsTab')}>
          <SocketsView />
        </section>
      )}
    </main>
  );
}
