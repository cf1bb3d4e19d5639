import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useLayoutEffect, useRef, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PacketLogEntry } from '../../../shared/domain';
import { formatClockSeconds } from '../lib/format';
import { useAppStore } from '../store/context';
import { selectVisiblePackets } from '../store/selectors';
import { Icon } from './Icon';
import { PeerName } from './PeerName';
import { StateView } from './StateView';

const ROW_HEIGHT = 30;

const PacketRow = memo(function PacketRow(props: { packet: PacketLogEntry; selected: boolean }) {
  const { t, i18n } = useTranslation();
  const select = useAppStore((s) => s.selectPacket);
  const p = props.packet;
  const nick = useAppStore((s) =>
    p.peerId === undefined ? undefined : s.contacts[p.peerId]?.nick,
  );
  return (
    <div
      role="row"
      aria-selected={props.selected}
      className={`packet-row dir-${p.direction}${props.selected ? ' selected' : ''}`}
      onClick={() => select(props.selected ? null : p.seq)}
    >
      <span role="cell" className="mono" translate="no">
        {formatClockSeconds(p.at, i18n.language)}
      </span>
      <span role="cell" className={`dir dir-${p.direction}`}>
        {p.direction === 'in' ? `← ${t('inspector.in')}` : `→ ${t('inspector.out')}`}
      </span>
      <span role="cell" className={`proto proto-${p.transport}`}>
        {p.transport.toUpperCase()}
      </span>
      <span role="cell" className="mono" translate="no">
        {p.local}
      </span>
      <span role="cell" className="mono" translate="no" title={nick}>
        {p.remote}
        {nick && (
          <span className="peer-nick">
            {' '}
            <PeerName id={p.peerId} nick={nick} />
          </span>
        )}
      </span>
      <span role="cell" className="mono num" translate="no">
        {p.size}
      </span>
      <span role="cell">
        {p.sealed !== undefined && (
          <span className="sealed-mark" title={t('inspector.sealed')}>
            <Icon name="lock" size={11} />
            <span className="sr-only">{t('inspector.sealed')}</span>
          </span>
        )}
        <span className={`kind-chip kind-${p.kind}`} translate="no">
          {p.kind}
        </span>
      </span>
      <span role="cell" className="summary" title={p.summary} translate="no">
        {p.summary}
      </span>
    </div>
  );
});

export function PacketTable() {
  const { t } = useTranslation();
  const packets = useAppStore(selectVisiblePackets);
  const load = useAppStore((s) => s.packetsLoad);
  const reload = useAppStore((s) => s.loadPackets);
  const selectedSeq = useAppStore((s) => s.selectedSeq);
  const select = useAppStore((s) => s.selectPacket);
  const filtered = useAppStore(
    (s) =>
      s.packetFilter.peerId !== '' || s.packetFilter.kind !== '' || s.packetFilter.group !== '',
  );
  const scrollRef = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render only, as documented
  const virtualizer = useVirtualizer({
    count: packets.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (i) => packets[i]?.seq ?? i,
    overscan: 12,
  });
  useLayoutEffect(() => {
    if (following.current && packets.length > 0)
      virtualizer.scrollToIndex(packets.length - 1, { align: 'end' });
  }, [packets.length, virtualizer]);

  const columns = (
    ['time', 'direction', 'transport', 'local', 'remote', 'size', 'kind', 'summary'] as const
  ).map((c) => (
    <span role="columnheader" key={c}>
      {t(`inspector.columns.${c}`)}
    </span>
  ));
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const index = packets.findIndex((p) => p.seq === selectedSeq);
    const next = Math.max(
      0,
      Math.min(packets.length - 1, index + (e.key === 'ArrowDown' ? 1 : -1)),
    );
    const packet = packets[next];
    if (!packet) return;
    following.current = false;
    select(packet.seq);
    virtualizer.scrollToIndex(next);
  };
  let body;
  if (packets.length === 0 && (load.status === 'loading' || load.status === 'error')) {
    body = (
      <StateView
        load={load}
        loadingText={t('inspector.loading')}
        errorText={t('inspector.error', { message: load.error })}
        onRetry={() => void reload()}
      />
    );
  } else if (packets.length === 0) {
    body = (
      <p className="muted pad center">
        {filtered ? t('inspector.emptyFiltered') : t('inspector.empty')}
      </p>
    );
  }
  return (
    <div
      className="packet-table"
      role="table"
      aria-label={t('inspector.packetsTab')}
      aria-rowcount={packets.length}
    >
      <div role="row" className="packet-row head">
        {columns}
      </div>
      {body ?? (
        <div
          ref={scrollRef}
          className="packet-scroll"
          role="rowgroup"
          aria-label={t('inspector.logLabel')}
          tabIndex={0}
          onKeyDown={onKeyDown}
          onScroll={(e) => {
            const el = e.currentTarget;
            following.current = el.scrollHeight - el.scrollTop - el.clientHeight < ROW_HEIGHT * 2;
          }}
        >
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const packet = packets[item.index];
              if (!packet) return null;
              return (
                <div
                  key={item.key}
                  className="virtual-row"
                  style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                >
                  <PacketRow packet={packet} selected={packet.seq === selectedSeq} />
                </div>
              );
            })}
          </div>
        </div>
      )}
    </div>
  );
}
