import { useText } from '../i18n/text';
import type { Contact } from '../../../shared/domain';

/**
 * An IPMsg peer's protocol: "IPMsg", or "FeiQ" when its version says so. Nothing for PacketChat
 * peers. That it is not encrypted (IPMsg is plain text on the wire) is the trust badge's to say:
 * an IPMsg contact's trust is always `not-encrypted`.
 */
export function ProtocolMarks(props: { contact: Contact }) {
  const { t } = useText();
  const c = props.contact;
  if (c.protocol !== 'ipmsg') return null;
  return (
    <>
      <span className="protocol-badge" translate="no">
        {t(`protocol.${c.badge ?? 'IPMsg'}`)}
      </span>{' '}
    </>
  );
}
