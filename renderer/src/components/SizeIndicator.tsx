import { useTranslation } from 'react-i18next';
import { MAX_DATAGRAM_BYTES, MAX_TEXT_BYTES } from '../../../shared/protocol/constants';
import { IPMSG_MAX_TEXT_BYTES, IPMSG_PIECE_BYTES } from '../../../shared/ipmsg-text';
import { formatBytes } from '../lib/format';
import type { IpmsgTextEncoding } from '../lib/ipmsg-size';

/** Shown from this share of the datagram limit upward, so short messages stay uncluttered. */
const SHOW_FROM = 0.75;

export type SizeLevel = 'hidden' | 'udp' | 'tcp' | 'over';

/**
 * Where a text of `bytes` UTF-8 bytes stands: `fits` is the node's own answer to "does it go in
 * one datagram" (shared/protocol/codec.ts `fitsOneDatagram`), so this never says UDP for a
 * message the node sends by TCP.
 */
export function sizeLevel(bytes: number, fits: boolean): SizeLevel {
  if (bytes > MAX_TEXT_BYTES) return 'over';
  if (!fits) return 'tcp';
  return bytes >= MAX_DATAGRAM_BYTES * SHOW_FROM ? 'udp' : 'hidden';
}

/** Live UTF-8 size against the one-datagram limit (1200 B) and the message limit (64 KiB). */
export function SizeIndicator(props: { bytes: number; fits: boolean; stranger: boolean }) {
  const { t, i18n } = useTranslation();
  const level = sizeLevel(props.bytes, props.fits);
  if (level === 'hidden') return null;
  const limit = level === 'udp' ? MAX_DATAGRAM_BYTES : MAX_TEXT_BYTES;
  const used =
    level === 'udp'
      ? `${props.bytes.toLocaleString(i18n.language)} B`
      : formatBytes(props.bytes, i18n.language);
  const limitText =
    level === 'udp'
      ? `${limit.toLocaleString(i18n.language)} B`
      : formatBytes(limit, i18n.language);
  const note =
    level === 'over'
      ? t('composer.tooLong', { limit: limitText })
      : level === 'tcp'
        ? t('composer.tcpNote')
        : t('composer.udp');
  const fraction = Math.min(1, props.bytes / limit);
  return (
    <div
      className={`size-indicator size-${level}`}
      role="status"
      aria-label={t('composer.sizeLabel')}
    >
      <span className="size-bar" aria-hidden="true">
        <span style={{ width: `${Math.round(fraction * 100)}%` }} />
      </span>
      <span className="mono">{t('composer.size', { used, limit: limitText })}</span>
      <span>{note}</span>
      {props.stranger && level !== 'udp' && <span>{t('composer.strangerNote')}</span>}
    </div>
  );
}

const ENCODING_NAMES: Record<IpmsgTextEncoding, string> = {
  'utf-8': 'UTF-8',
  gb18030: 'GB18030',
  cp932: 'CP932',
};

/** Where an IPMsg text stands: hidden, one packet, several, or more than the module takes. */
export function ipmsgSizeLevel(bytes: number, pieces: number, utf8Bytes: number): SizeLevel {
  if (utf8Bytes > IPMSG_MAX_TEXT_BYTES) return 'over';
  if (pieces > 1) return 'tcp'; // several packets: the same warning colour as "goes by TCP"
  return bytes >= IPMSG_PIECE_BYTES * SHOW_FROM ? 'udp' : 'hidden';
}

/**
 * For an IPMsg peer: bytes in the peer's encoding against one SENDMSG (8,000 B), and how many
 * IPMsg messages a longer text goes as (the module cuts it so, shared/ipmsg-text.ts).
 */
export function IpmsgSizeIndicator(props: {
  bytes: number;
  pieces: number;
  utf8Bytes: number;
  encoding: IpmsgTextEncoding;
}) {
  const { t, i18n } = useTranslation();
  const level = ipmsgSizeLevel(props.bytes, props.pieces, props.utf8Bytes);
  if (level === 'hidden') return null;
  const number = (n: number) => `${n.toLocaleString(i18n.language)} B`;
  const note =
    level === 'over'
      ? t('composer.ipmsgTooLong', { limit: formatBytes(IPMSG_MAX_TEXT_BYTES, i18n.language) })
      : props.pieces > 1
        ? t('composer.ipmsgPieces', { count: props.pieces })
        : t('composer.ipmsgOne');
  const fraction = Math.min(1, props.bytes / (IPMSG_PIECE_BYTES * Math.max(1, props.pieces)));
  return (
    <div
      className={`size-indicator size-${level}`}
      role="status"
      aria-label={t('composer.sizeLabel')}
    >
      <span className="size-bar" aria-hidden="true">
        <span style={{ width: `${Math.round(fraction * 100)}%` }} />
      </span>
      <span className="mono">
        {t('composer.ipmsgSize', {
          used: number(props.bytes),
          limit: number(IPMSG_PIECE_BYTES),
          encoding: ENCODING_NAMES[props.encoding],
        })}
      </span>
      <span>{note}</span>
    </div>
  );
}
