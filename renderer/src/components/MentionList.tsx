import { useTranslation } from 'react-i18next';
import { Avatar } from './Avatar';
import type { Mentionable } from './mentions';

/**
 * The members an `@` in the composer can mention (ARIA listbox; the composer's field owns the
 * focus and points at the active option with aria-activedescendant).
 */
export function MentionList(props: {
  id: string;
  options: readonly Mentionable[];
  active: number;
  onPick: (member: Mentionable) => void;
}) {
  const { t } = useTranslation();
  return (
    <ul id={props.id} role="listbox" className="mention-list" aria-label={t('groups.mentionList')}>
      {props.options.map((m, i) => (
        <li
          key={m.id}
          id={`${props.id}-${String(i)}`}
          role="option"
          aria-selected={i === props.active}
          className={i === props.active ? 'mention-option active' : 'mention-option'}
          // The field keeps the focus: a click picks without blurring it.
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => props.onPick(m)}
        >
          <Avatar id={m.id} name={m.name} size={20} />
          <span translate="no">
            {m.name}
            {m.token !== m.name && (
              // Only where two members share the name: the start of the id tells them apart.
              <span className="mention-id mono">{m.token.slice(m.name.length)}</span>
            )}
          </span>
        </li>
      ))}
    </ul>
  );
}
