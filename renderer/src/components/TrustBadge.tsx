import { useText } from '../i18n/text';
import type { Contact, TrustState } from '../../../shared/domain';
import { Icon, type IconName } from './Icon';

/** A contact's trust state, or `unknown`: a group member this node has never met. */
export type BadgeTrust = TrustState | 'unknown';

const ICON: Record<BadgeTrust, IconName> = {
  verified: 'verified',
  encrypted: 'lock',
  'not-encrypted': 'unlock',
  'key-changed': 'warning',
  unknown: 'user',
};

/** How far a contact can be trusted. A stranger (plain UDP text) is never encrypted. */
export function trustOf(contact: Pick<Contact, 'kind' | 'trust'>): TrustState {
  return contact.kind === 'stranger' ? 'not-encrypted' : contact.trust;
}

/**
 * The encryption state as an icon with its words: in a contact row the words are hidden (the
 * row's accessible name says them) and come back as a tooltip; in the header they show.
 */
export function TrustBadge(props: { trust: BadgeTrust; showText?: boolean; size?: number }) {
  const { t } = useText();
  const words = t(`trust.state.${props.trust}`);
  return (
    <span
      className={`trust-badge trust-${props.trust}${props.showText === true ? ' with-text' : ''}`}
      title={t(`trust.explain.${props.trust}`)}
    >
      <Icon name={ICON[props.trust]} size={props.size ?? 14} />
      {props.showText === true ? <span>{words}</span> : <span className="sr-only">{words}</span>}
    </span>
  );
}
