import type { PeerStatus } from '../../../shared/domain';
import { avatarLook } from '../lib/avatar';
import { Icon } from './Icon';

/** `silent`: online, but our messages get no answer (not responding). */
export type Presence = PeerStatus | 'offline' | 'silent';

/**
 * Generated avatar (colours and initials from the id) with an optional presence dot. A stranger
 * (a plain UDP tool) has no name to draw from: it gets a neutral silhouette.
 */
export function Avatar(props: {
  id: string;
  name: string;
  size?: number;
  presence?: Presence | undefined;
  stranger?: boolean;
  /** A colour the person chose (hue 0-359), instead of the one generated from the id. */
  hue?: number | undefined;
}) {
  const look = avatarLook(props.id, props.name, props.hue);
  const size = props.size ?? 40;
  return (
    <span
      className={props.stranger ? 'avatar stranger' : 'avatar'}
      aria-hidden="true"
      translate="no"
      data-initials={props.stranger ? undefined : look.initials}
      style={{
        width: size,
        height: size,
        ...(props.stranger ? {} : { background: look.background, color: look.foreground }),
        fontSize: Math.round(size * (look.initials.length > 1 ? 0.36 : 0.44)),
      }}
    >
      {/* Initials are drawn by CSS (data-initials): decoration, never part of a row's text. */}
      {props.stranger && <Icon name="user" size={Math.round(size * 0.55)} />}
      {props.presence && <span className={`presence presence-${props.presence}`} />}
    </span>
  );
}
