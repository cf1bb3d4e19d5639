import { useTranslation } from 'react-i18next';
import type { Contact } from '../../../shared/domain';
import { Icon } from './Icon';

/**
 * An IPMsg peer's marks: its protocol ("IPMsg", or "FeiQ" when its version says so) and "Not
 * encrypted" (IPMsg is plain text on the wire, like a stranger's UDP). Nothing for PacketChat peers.
 * `compact` (the contact row, where IP:port must fit) shows "Not encrypted" as an open padlock: the
 * row's accessible name says the words (ContactRow), the header shows them.
 */
export function ProtocolMarks(props: { contact: Contact; compact?: boolean }) {
  const { t } = useTranslation();
  const c = props.contact;
  if (c.protocol !== 'ipmsg') return null;
  const plain = t('contacts.notEncrypted');
  return (
    <>
      <span className="protocol-badge" translate="no">
        {t(`protocol.${c.badge ?? 'IPMsg'}`)}
      </span>{' '}
      {props.compact === true ? (
        <span className="plain-mark" title={plain}>
          <Icon name="unlock" size={13} />
        </span>
      ) : (
        <span className="plain-mark">{plain}</span>
      )}{' '}
    </>
  );
}
