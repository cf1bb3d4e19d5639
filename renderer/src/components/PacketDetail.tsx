import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../lib/format';
import { useAppStore } from '../store/context';
import { selectSelectedPacket } from '../store/selectors';
import { Icon } from './Icon';

/** The decoded fields of the selected packet. */
export function PacketDetail() {
  const { t, i18n } = useTranslation();
  const packet = useAppStore(selectSelectedPacket);
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
                  {value === null ? 'null' : String(value)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </aside>
  );
}
