import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PacketLogEntry } from '../../../shared/domain';
import { formatDateTime } from '../lib/format';
import { pathText } from '../lib/path';
import { hexDump, payloadText } from '../lib/payload';
import { useApi, useAppStore } from '../store/context';
import { settle } from '../store/load';
import type { AppState } from '../store/state';
import { Icon } from './Icon';

/** Fields that hold a time (ms since the epoch) and read better as a date. */
const TIME_FIELDS = new Set(['ts']);
/** Fields that hold a node id: shown with the peer's nickname. */
const NODE_FIELDS = new Set(['from']);

type Payload =
  | { readonly state: 'loading' }
  | { readonly state: 'gone' }
  | { readonly state: 'ready'; readonly bytes: Uint8Array; readonly size: number };

function decodeBase64(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** The packet's bytes, as text (JSON indented) or as a hex dump, in a scrolling box. */
function PayloadView(props: { packet: PacketLogEntry }) {
  const { t } = useTranslation();
  const api = useApi();
  const [payload, setPayload] = useState<Payload>({ state: 'loading' });
  const [view, setView] = useState<'text' | 'hex'>('text');
  const seq = props.packet.seq;
  useEffect(() => {
    let live = true;
    void settle(() => api.inspectorPayload({ seq })).then((result) => {
      if (!live) return;
      setPayload(
        result.ok && result.value
          ? { state: 'ready', bytes: decodeBase64(result.value.base64), size: result.value.size }
          : { state: 'gone' },
      );
    });
    return () => {
      live = false;
    };
  }, [api, seq]);
  return (
    <section className="payload" aria-label={t('inspector.payload')}>
      <div className="payload-head">
        <h4>{t('inspector.payload')}</h4>
        <div className="segmented small" role="radiogroup" aria-label={t('inspector.payloadView')}>
          {(['text', 'hex'] as const).map((name) => (
            <button
              key={name}
              type="button"
              role="radio"
              aria-checked={view === name}
              className={view === name ? 'segment active' : 'segment'}
              onClick={() => setView(name)}
            >
              {name === 'text' ? t('inspector.asText') : t('inspector.asHex')}
            </button>
          ))}
        </div>
      </div>
      {payload.state === 'loading' && <p className="muted small">{t('inspector.loading')}</p>}
      {payload.state === 'gone' && <p className="muted small">{t('inspector.payloadGone')}</p>}
      {payload.state === 'ready' && (
        <>
          <pre className="payload-box mono" tabIndex={0} translate="no">
            {view === 'text' ? payloadText(payload.bytes) : hexDump(payload.bytes)}
          </pre>
          {payload.size > payload.bytes.byteLength && (
            <p className="muted small">
              {t('inspector.payloadCut', { shown: payload.bytes.byteLength, size: payload.size })}
            </p>
          )}
        </>
      )}
    </section>
  );
}

const nickOf = (id: string) => (s: AppState) => s.contacts[id]?.nick;

function FieldValue(props: { name: string; value: string | number | boolean | null }) {
  const { i18n } = useTranslation();
  const { name, value } = props;
  const nick = useAppStore(nickOf(typeof value === 'string' ? value : ''));
  if (value === null) return <>null</>;
  if (TIME_FIELDS.has(name) && typeof value === 'number')
    return (
      <>
        {formatDateTime(value, i18n.language)} <span className="muted">({value})</span>
      </>
    );
  if (NODE_FIELDS.has(name) && nick !== undefined)
    return (
      <>
        <strong>{nick}</strong> <span className="muted">{String(value)}</span>
      </>
    );
  return <>{String(value)}</>;
}

/** The decoded fields of the selected packet, with nicknames and dates, and its bytes. */
export function PacketDetail() {
  const { t, i18n } = useTranslation();
  const packet = useAppStore((s) =>
    s.selectedSeq === null ? undefined : s.packets.find((p) => p.seq === s.selectedSeq),
  );
  const peer = useAppStore((s) => (packet?.peerId ? s.contacts[packet.peerId] : undefined));
  const select = useAppStore((s) => s.selectPacket);
  if (!packet) return null;
  const fields = Object.entries(packet.fields ?? {});
  return (
    <aside className="packet-detail" aria-label={t('inspector.detailLabel')}>
      <header className="detail-header">
        <h3>{t('inspector.detailTitle', { seq: packet.seq })}</h3>
        <button
          type="button"
          className="icon-button small"
          aria-label={t('inspector.closeDetail')}
          onClick={() => select(null)}
        >
          <Icon name="close" size={14} />
        </button>
      </header>
      <p className="muted small">{formatDateTime(packet.at, i18n.language)}</p>
      <p className="mono small">
        {t('inspector.meta', {
          direction: packet.direction === 'in' ? t('inspector.in') : t('inspector.out'),
          transport: packet.transport.toUpperCase(),
          size: `${packet.size} B`,
          local: packet.local,
          remote: packet.remote,
        })}
      </p>
      {peer !== undefined && (
        <p className="small">
          <span>{t('inspector.peer', { nick: peer.nick })}</span>
          {' · '}
          <span
            className={peer.path.kind === 'relay' ? 'mono path-relay' : 'mono'}
            title={t('conversation.path')}
            translate="no"
          >
            {pathText(t, peer)}
          </span>
        </p>
      )}
      <p className="detail-summary" translate="no">
        {packet.summary}
      </p>
      {fields.length === 0 ? (
        <p className="muted">{t('inspector.noFields')}</p>
      ) : (
        <table className="fields-table">
          <thead>
            <tr>
              <th scope="col">{t('inspector.field')}</th>
              <th scope="col">{t('inspector.value')}</th>
            </tr>
          </thead>
          <tbody>
            {fields.map(([name, value]) => (
              <tr key={name}>
                <th scope="row" className="mono" translate="no">
                  {name}
                </th>
                <td className="mono" translate="no">
                  <FieldValue name={name} value={value} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <PayloadView key={packet.seq} packet={packet} />
    </aside>
  );
}
