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
import { Isolated, PeerName } from './PeerName';

/** Fields that hold a time (ms since the epoch) and read better as a date. */
const TIME_FIELDS = new Set(['ts']);
/** Fields that hold a node id: shown with the peer's nickname. */
const NODE_FIELDS = new Set(['from']);

type Payload =
  | { readonly state: 'loading' }
  | { readonly state: 'gone' }
  | {
      readonly state: 'ready';
      readonly bytes: Uint8Array;
      readonly size: number;
      /** The inner packet of a sealed record, opened here; the wire carried it encrypted. */
      readonly decrypted: boolean;
    };

/** A v2 binary packet (handshake or record) starts with 0xF8-0xFC: no text to show. */
const isBinary = (bytes: Uint8Array) => (bytes[0] ?? 0) >= 0xf8;

function decodeBase64(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** The packet's bytes, as text (JSON indented) or as a hex dump, in a scrolling box. */
function PayloadView(props: { packet: PacketLogEntry }) {
  const { t } = useTranslation();
  const api = useApi();
  const [payload, setPayload] = useState<Payload>({ state: 'loading' });
  /** What the user picked; until then, hex for binary packets and text for the rest. */
  const [picked, setView] = useState<'text' | 'hex' | null>(null);
  const seq = props.packet.seq;
  useEffect(() => {
    let live = true;
    void settle(() => api.inspectorPayload({ seq })).then((result) => {
      if (!live) return;
      setPayload(
        result.ok && result.value
          ? {
              state: 'ready',
              bytes: decodeBase64(result.value.base64),
              size: result.value.size,
              decrypted: result.value.decrypted,
            }
          : { state: 'gone' },
      );
    });
    return () => {
      live = false;
    };
  }, [api, seq]);
  const view = picked ?? (payload.state === 'ready' && isBinary(payload.bytes) ? 'hex' : 'text');
  const decrypted = payload.state === 'ready' && payload.decrypted;
  return (
    <section className="payload" aria-label={t('inspector.payload')}>
      <div className="payload-head">
        <h4>
          {t('inspector.payload')}
          {decrypted && (
            <>
              {' '}
              <span className="decrypted-chip">
                <Icon name="unlock" size={12} />
                {t('inspector.decrypted')}
              </span>
            </>
          )}
        </h4>
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
          {decrypted && <p className="muted small payload-note">{t('inspector.decryptedNote')}</p>}
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
  if (NODE_FIELDS.has(name) && nick !== undefined && typeof value === 'string')
    return (
      <>
        <strong>
          <PeerName id={value} nick={nick} />
        </strong>{' '}
        <span className="muted">{value}</span>
      </>
    );
  return <>{String(value)}</>;
}

type SealedHeader = NonNullable<PacketLogEntry['sealed']>;
const HEADER_TYPES = [
  'handshake-init',
  'handshake-resp',
  'handshake-final',
  'cookie-reply',
  'transport',
] as const;
type HeaderType = (typeof HEADER_TYPES)[number];
const isHeaderType = (type: string): type is HeaderType =>
  (HEADER_TYPES as readonly string[]).includes(type);

/** Messages 1 and 2 name the sender's index; message 3 and records the receiver's. */
const namesSender = (type: string) => type === 'handshake-init' || type === 'handshake-resp';

/**
 * A protocol v2 packet's header (docs/PROTOCOL.md, "Binary packets"): its type, the session
 * index it carries, the record's counter, and what the packet is in words.
 */
function SealedHeaderView(props: { sealed: SealedHeader }) {
  const { t } = useTranslation();
  const { sealed } = props;
  const index = `0x${sealed.index.toString(16).padStart(8, '0')} (${sealed.index})`;
  return (
    <section className="sealed-header" aria-label={t('inspector.sealedLabel')}>
      <h4>
        <Icon name="lock" size={13} /> {t('inspector.sealedLabel')}
      </h4>
      {isHeaderType(sealed.type) && (
        <p className="small">{t(`inspector.handshake.${sealed.type}`)}</p>
      )}
      <table className="fields-table">
        <tbody>
          <tr>
            <th scope="row">{t('inspector.header.type')}</th>
            <td className="mono" translate="no">
              {sealed.type}
            </td>
          </tr>
          <tr>
            <th scope="row">
              {namesSender(sealed.type)
                ? t('inspector.header.senderIndex')
                : t('inspector.header.receiverIndex')}
            </th>
            <td className="mono" translate="no">
              {index}
            </td>
          </tr>
          {sealed.counter !== undefined && (
            <tr>
              <th scope="row">{t('inspector.header.counter')}</th>
              <td className="mono" translate="no">
                {sealed.counter}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}

function FieldsTable(props: { fields: [string, string | number | boolean | null][] }) {
  const { t } = useTranslation();
  return (
    <table className="fields-table">
      <thead>
        <tr>
          <th scope="col">{t('inspector.field')}</th>
          <th scope="col">{t('inspector.value')}</th>
        </tr>
      </thead>
      <tbody>
        {props.fields.map(([name, value]) => (
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
  );
}

/** The decoded fields of the selected packet, with nicknames and dates, and its bytes. */
export function PacketDetail() {
  const { t, i18n } = useTranslation();
  const packet = useAppStore((s) =>
    s.selectedSeq === null ? undefined : s.packets.find((p) => p.seq === s.selectedSeq),
  );
  const contact = useAppStore((s) => (packet?.peerId ? s.contacts[packet.peerId] : undefined));
  const peerNick = contact?.nick;
  const select = useAppStore((s) => s.selectPacket);
  if (!packet) return null;
  const fields = Object.entries(packet.fields ?? {});
  const peer =
    packet.peerId === undefined ? undefined : { id: packet.peerId, nick: peerNick ?? '' };
  // A sealed record's fields are its inner packet, opened here.
  const inner = packet.sealed?.type === 'transport' && fields.length > 0;
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
      {peer !== undefined && contact !== undefined && (
        <p className="small">
          <Isolated text={(v) => t('inspector.peer', v)} names={{ nick: peer }} />
        </p>
      )}
      {contact !== undefined && (
        <p className="small">
          {t('inspector.path')}{' '}
          <span
            className={contact.path.kind === 'relay' ? 'mono path-relay' : 'mono'}
            title={t('conversation.path')}
            translate="no"
          >
            {pathText(t, contact)}
          </span>
        </p>
      )}
      {packet.protocol === 'ipmsg' && (
        <p className="small">
          <span className="protocol-badge" translate="no">
            {t('protocol.IPMsg')}
          </span>{' '}
          {t('inspector.ipmsg')}
        </p>
      )}
      <p className="detail-summary" translate="no">
        {packet.summary}
      </p>
      {packet.kind === 'handshake' && peer !== undefined && (
        <p className="small">
          <Isolated text={(v) => t('inspector.handshakeDone', v)} names={{ nick: peer }} />
        </p>
      )}
      {packet.sealed !== undefined && <SealedHeaderView sealed={packet.sealed} />}
      {inner && (
        <h4 className="inner-heading">
          <span className="decrypted-chip">
            <Icon name="unlock" size={12} />
            {t('inspector.decrypted')}
          </span>
        </h4>
      )}
      {fields.length > 0 ? (
        <FieldsTable fields={fields} />
      ) : (
        packet.sealed === undefined && <p className="muted">{t('inspector.noFields')}</p>
      )}
      <PayloadView key={packet.seq} packet={packet} />
    </aside>
  );
}
