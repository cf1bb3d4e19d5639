import { useTranslation } from 'react-i18next';
import type { Contact } from '../../../shared/domain';

/** The words the marks say, for a row's accessible name (none for PacketChat peers). */
export function useProtocolWords(contact: Contact | undefined): string[] {
  const { t } = useTranslation();
  if (contact?.protocol !== 'ipmsg') return [];
  return [t(`protocol.${contact.badge ?? 'IPMsg'}`), t('contacts.notEncrypted')];
}

/**
 * An IPMsg peer's marks: its protocol ("IPMsg", or "FeiQ" when its version says so) and "Not
 * encrypted" (IPMsg is plain text on the wire, like a stranger's UDP). Nothing for PacketChat peers.
 */
export function ProtocolMarks(props: { contact: Contact }) {
  const { t } = useTranslation();
  const c = props.contact;
  if (c.protocol !== 'ipmsg') return null;
  return (
    <>
      <span className="protocol-badge" translate="no">
        {t(`protocol.${c.badge ?? 'IPMsg'}`)}
      </span>{' '}
      <span className="plain-mark">{t('contacts.notEncrypted')}</span>
    </>
  );
}
